"use client";
/**
 * The realm picker of realm-scoped pages (Secrets, Engines, Leases): it lists the realms
 * where the principal holds the page's capability (from the session, so it needs no
 * `realms:read`); the operator's choice, else the first of them.
 */
import { useState, type ReactNode } from "react";
import type { Capability } from "@/server/rbac/capabilities";
import { MissingCapability } from "./missing-capability";
import { realmsWith, useSession } from "./session";
import { SelectField } from "./ui";

export function RealmSelect({ realms, value, onChange }: { realms: { name: string }[]; value: string; onChange: (realm: string) => void }) {
  return (
    <SelectField label="Realm" value={value} onChange={(e) => onChange(e.target.value)} className="mb-6 max-w-xs">
      {realms.map((r) => (
        <option key={r.name} value={r.name}>
          {r.name}
        </option>
      ))}
    </SelectField>
  );
}

/** The picker and the chosen realm's content; when no realm qualifies, what is missing instead. */
export function RealmScoped({ capability, children }: { capability: Capability; children: (realm: string) => ReactNode }) {
  const me = useSession();
  const realms = realmsWith(me, capability);
  const [chosen, setChosen] = useState("");
  const realm = realms.some((r) => r.name === chosen) ? chosen : (realms[0]?.name ?? "");
  if (!realm) {
    if (me?.is_admin) return <p className="rounded-lg border border-dashed border-line px-4 py-8 text-center text-sm text-muted">There are no realms yet: create one on the Realms page first.</p>;
    return <MissingCapability capability={capability} scope="in any realm" />;
  }
  return (
    <>
      <RealmSelect realms={realms} value={realm} onChange={setChosen} />
      {children(realm)}
    </>
  );
}
