"use client";
/** The "why" of one agent-authorization decision (from the decision log), with a replay against the enforced version. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { errorMessage } from "../errors";
import { useTRPC } from "../trpc";
import { Badge, Button, ErrorState, Loading } from "../ui";

export function DecisionTrace({ decisionId }: { decisionId: string }) {
  const trpc = useTRPC();
  const decision = useQuery(trpc.decisionLog.get.queryOptions({ id: decisionId }));
  const replay = useMutation(trpc.decisionLog.replay.mutationOptions());
  if (decision.isPending) return <Loading label="Loading the decision…" />;
  if (decision.error) return <ErrorState error={decision.error} onRetry={() => void decision.refetch()} />;
  const d = decision.data;
  const p = d.principal;
  const rows: [string, string][] = [
    ["Rule", d.policy_id ?? (d.lane === "deny" ? "none matched (default deny)" : "—")],
    ["Policy version", d.policy_version === null ? "—" : `v${d.policy_version}`],
    ["Matched", d.matched.length ? d.matched.join(", ") : "—"],
    ["Reasons", d.reasons.join("; ") || "—"],
    ["User", p ? String(p.user.id) : "unverified token"],
    ["Agent", p ? `${p.agent.name} (${p.agent.id}, tier ${p.agent.trust_tier})` : "—"],
    ["Workload", p?.workload ? `${p.workload.sub}${p.workload.network ? ` on ${p.workload.network}` : ""}` : "—"],
    ["Task", d.task || "—"],
    ["Token scopes", d.scopes ? d.scopes.join(" ") || "(none)" : "principal asserted by the caller"],
    ["Action", d.action],
    ["Resource", `${d.resource.type}/${d.resource.id}`],
    ["Evaluated in", `${d.evaluated_in_us} µs`],
  ];
  if (d.review_id) rows.push(["Review", d.review_id]);
  if (d.shadow) rows.push(["Shadow", `v${d.shadow.version} said ${d.shadow.decision}${d.shadow.policy_id ? ` (${d.shadow.policy_id})` : ""}`]);
  return (
    <section aria-label="Why this decision" className="mt-4 rounded-lg border border-line p-3">
      <h3 className="mb-2 flex items-center gap-2 text-sm font-medium">
        Why: <Badge tone={d.decision}>{d.decision}</Badge>
        {d.lane !== d.decision ? <span className="text-xs text-muted">(policy said {d.lane}; approved in review)</span> : null}
      </h3>
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-muted">{k}</dt>
            <dd className="break-all">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-3 flex items-center gap-3">
        <Button onClick={() => replay.mutate({ id: decisionId })} busy={replay.isPending}>
          Replay against the enforced version
        </Button>
        <span role="status" className="text-sm">
          {replay.error ? (
            <span className="text-deny">{errorMessage(replay.error)}</span>
          ) : replay.data ? (
            <>
              Now <Badge tone={replay.data.after.decision}>{replay.data.after.decision}</Badge> {replay.data.after.policy_id ? `by ${replay.data.after.policy_id}` : ""}
              {replay.data.after.policy_version !== null ? ` (v${replay.data.after.policy_version})` : ""} — {replay.data.changed ? "changed" : "unchanged"}
            </>
          ) : null}
        </span>
      </div>
    </section>
  );
}
