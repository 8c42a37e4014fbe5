"use client";
/** Capability checkboxes, each labelled with the capability's own name; one area's capabilities stand together (the name says the area, so no headings). */
import { useQuery } from "@tanstack/react-query";
import type { Capability } from "@/server/rbac/capabilities";
import { useTRPC } from "./trpc";
import { ErrorState, Loading } from "./ui";

/** Every capability name, from the server (one list, in server/rbac/capabilities.ts). */
export function useCapabilities() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.roles.capabilities.queryOptions(), staleTime: Infinity });
}

export function CapabilityPicker({ legend, value, onChange, error }: { legend: string; value: Capability[]; onChange: (next: Capability[]) => void; error?: string | undefined }) {
  const capabilities = useCapabilities();
  const toggle = (c: Capability, on: boolean) => onChange(on ? [...value, c] : value.filter((v) => v !== c));
  if (capabilities.isPending) return <Loading label="Loading capabilities…" />;
  if (!capabilities.data) return <ErrorState error={capabilities.error} onRetry={() => void capabilities.refetch()} />;
  const all = capabilities.data;
  const groups = [...new Set(all.map((c) => c.split(":")[0]!))];
  return (
    <fieldset aria-invalid={error ? true : undefined} aria-describedby={error ? "capability-error" : undefined}>
      <legend className="mb-2 text-sm font-medium">{legend}</legend>
      <div className="@container">
      <div className="grid grid-cols-2 gap-x-4 gap-y-1 @xl:grid-cols-3 @3xl:grid-cols-4">
        {groups.map((group) =>
          all.filter((c) => c.split(":")[0] === group).map((c) => (
            <label key={c} className="flex items-center gap-2 font-mono text-xs">
              <input type="checkbox" checked={value.includes(c)} onChange={(e) => toggle(c, e.target.checked)} className="accent-accent" />
              {c}
            </label>
          )),
        )}
      </div>
      </div>
      {error ? (
        <p id="capability-error" className="mt-1 text-xs text-deny">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
