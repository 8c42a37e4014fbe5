/** Grants a subject holds through role bindings. */
import type { Db } from "../store/client";
import { isCapability, type Capability } from "./capabilities";
import { ALL_REALMS, type Grant } from "./principal";

export function parseCapabilities(json: string): Capability[] {
  const list = JSON.parse(json) as unknown;
  return Array.isArray(list) ? list.filter((c): c is Capability => typeof c === "string" && isCapability(c)) : [];
}

export async function bindingGrants(db: Db, subject: string): Promise<Grant[]> {
  const rows = await db.binding.findMany({
    where: { subject },
    select: { role: { select: { capabilities: true } }, realm: { select: { name: true } } },
  });
  return rows.map((b) => ({ realm: b.realm?.name ?? ALL_REALMS, capabilities: new Set(parseCapabilities(b.role.capabilities)) }));
}
