/** The realm picker of realm-scoped pages (Engines, Leases): the operator's choice, else the first realm listed. */
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
