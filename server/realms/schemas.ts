/** The realms contract: names, wire shapes and the operations table (REST, tRPC, service and console share it). */
import { z } from "zod";
import type { Operation } from "../rbac/capabilities";

export const REALM_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const ZRealmName = z.string().regex(REALM_NAME, "a lowercase slug: a-z, 0-9 and '-', 1 to 63 characters, not starting or ending with '-'").meta({ examples: ["myapp"] });
/** A realm name, or "*" for every realm (token grants, bindings). */
export const ZRealmRef = z.union([z.literal("*"), ZRealmName], { error: 'a realm name or "*"' });
export const ZDescription = z.string().max(1000);

export const ZRealmParams = z.strictObject({ realm: ZRealmName });

export const ZRealm = z.object({ name: z.string(), description: z.string(), created_at: z.string(), updated_at: z.string() }).meta({
  id: "Realm",
  description: "A tenant that owns secrets, engines and leases",
  examples: [{ name: "myapp", description: "Production services of myapp", created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }],
});
export const ZRealmList = z.object({ items: z.array(ZRealm) }).meta({ id: "RealmList" });

export const ZCreateRealm = z
  .strictObject({ name: ZRealmName, description: ZDescription.optional() })
  .meta({ id: "CreateRealmRequest", examples: [{ name: "myapp", description: "Production services of myapp" }] });
export const ZUpdateRealm = z.strictObject({ description: ZDescription.optional() }).meta({ id: "UpdateRealmRequest", examples: [{ description: "Renamed team" }] });

export type RealmView = z.output<typeof ZRealm>;
export type CreateRealmInput = z.output<typeof ZCreateRealm>;
export type UpdateRealmInput = z.output<typeof ZUpdateRealm>;

export const realmOps = {
  list: { capability: "realms:read", action: "realm.list" },
  create: { capability: "realms:write", action: "realm.create" },
  get: { capability: "realms:read", action: "realm.read" },
  update: { capability: "realms:write", action: "realm.update" },
  delete: { capability: "realms:write", action: "realm.delete" },
} as const satisfies Record<string, Operation>;
