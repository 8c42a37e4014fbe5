"use client";
/** A simulation's result: changed decisions by "before->after" as a table and a small bar chart, then examples. */
import dynamic from "next/dynamic";
import { Badge, Loading, Table, ROW, TD } from "../ui";

// Recharts is ~100 KB gzipped: loaded only once a simulation has a result to draw.
const ChangesChart = dynamic(() => import("./changes-chart").then((m) => m.ChangesChart), { ssr: false, loading: () => <Loading label="Loading chart…" /> });

export interface SimulationResult {
  version: number;
  replayed: number;
  changed: number;
  deltas: Record<string, number>;
  examples: { decision_id: string; before: string; after: string; policy_id_before: string | null; policy_id_after: string | null; action: string; resource: string }[];
}

const LANE_COLOR: Record<string, string> = { allow: "var(--arcan-allow)", review: "var(--arcan-review)", deny: "var(--arcan-deny)" };

export function Simulation({ result }: { result: SimulationResult }) {
  const rows = Object.entries(result.deltas).sort((a, b) => b[1] - a[1]);
  const data = rows.map(([change, count]) => ({ change, count, color: LANE_COLOR[change.split("->")[1] ?? ""] ?? "var(--arcan-muted)" }));
  return (
    <section aria-label="Simulation result" className="flex flex-col gap-4">
      <p className="text-sm">
        Replayed <strong>{result.replayed}</strong> recorded decision(s) against version {result.version}: <strong>{result.changed}</strong> would change.
      </p>
      {rows.length > 0 ? (
        <div className="grid gap-4 md:grid-cols-2">
          <Table caption="Changed decisions by lane" head={["Change", "Decisions"]}>
            {rows.map(([change, count]) => (
              <tr key={change} className={ROW}>
                <td className={`${TD} font-mono text-xs`}>{change.replace("->", " → ")}</td>
                <td className={`${TD} tabular-nums`}>{count}</td>
              </tr>
            ))}
          </Table>
          <ChangesChart data={data} label={`Changes: ${rows.map(([c, n]) => `${c} ${n}`).join(", ")}`} />
        </div>
      ) : null}
      {result.examples.length > 0 ? (
        <Table caption="Example decisions that would change" head={["Decision", "Action", "Resource", "Before", "After", "Rule after"]}>
          {result.examples.map((e) => (
            <tr key={e.decision_id} className={ROW}>
              <td className={`${TD} font-mono text-xs`}>{e.decision_id}</td>
              <td className={`${TD} font-mono text-xs`}>{e.action}</td>
              <td className={`${TD} font-mono text-xs`}>{e.resource}</td>
              <td className={TD}>
                <Badge tone={e.before}>{e.before}</Badge>
              </td>
              <td className={TD}>
                <Badge tone={e.after}>{e.after}</Badge>
              </td>
              <td className={`${TD} font-mono text-xs`}>{e.policy_id_after ?? "default deny"}</td>
            </tr>
          ))}
        </Table>
      ) : null}
    </section>
  );
}
