/**
 * The decision log is an index of the audit log, like the AuditRecord table: the audit
 * record of each decision carries the decision as `details.record` (the shape
 * `GET /api/v1/decisions/:id` returns), and the DecisionRecord row is derived from it in
 * the same transaction as the audit rows (the embedded store's indexer, or the shared
 * database's audit transaction). So a decision costs one durable write, the one its audit
 * record needs anyway, and a crash can never keep one without the other: after a kill -9
 * the indexer rebuilds both from the segment log.
 */
import type { ChainFields } from "./audit-chain";
import type { DecisionRecord } from "./types";

/** The key of an audit record's details that holds its decision. */
export const DECISION_RECORD_KEY = "record";
/** The action of the audit records that carry a decision. */
export const DECISION_AUDIT_ACTION = "decision.evaluate";

type Lane = "allow" | "review" | "deny";

/** A decision as its audit record carries it (decisions/schemas.ts ZDecisionRecord). */
export interface RecordedDecision {
  id: string;
  time: string;
  request_id: string;
  caller: string;
  source: "token" | "principal";
  decision: Lane;
  lane: Lane;
  policy_id: string | null;
  policy_version: number | null;
  matched: string[];
  reasons: string[];
  review_id: string | null;
  evaluated_in_us: number;
  principal: { user: Record<string, unknown>; agent: Record<string, unknown>; workload: unknown } | null;
  task: string;
  scopes: string[] | null;
  action: string;
  resource: { type: string; id: string; attributes: Record<string, unknown> };
  context: Record<string, unknown>;
  shadow: { version: number; decision: Lane; policy_id: string | null } | null;
}

export const DECISION_COLUMNS = [
  "id", "time", "requestId", "caller", "source", "principal", "userId", "agentId", "task", "scopes", "action", "resourceType", "resourceId",
  "resourceAttrs", "context", "decision", "lane", "policyId", "policyVersion", "matched", "reasons", "reviewId", "latencyUs", "shadowVersion", "shadowDecision", "shadowPolicyId",
] as const satisfies readonly (keyof DecisionRecord)[];

export function decisionRowOf(d: RecordedDecision): DecisionRecord {
  return {
    id: d.id,
    time: new Date(d.time),
    requestId: d.request_id,
    caller: d.caller,
    source: d.source,
    principal: d.principal ? JSON.stringify(d.principal) : null,
    userId: d.principal ? String(d.principal.user.id) : null,
    agentId: d.principal ? String(d.principal.agent.id) : null,
    task: d.task,
    scopes: d.scopes ? JSON.stringify(d.scopes) : null,
    action: d.action,
    resourceType: d.resource.type,
    resourceId: d.resource.id,
    resourceAttrs: JSON.stringify(d.resource.attributes),
    context: JSON.stringify(d.context),
    decision: d.decision,
    lane: d.lane,
    policyId: d.policy_id,
    policyVersion: d.policy_version,
    matched: JSON.stringify(d.matched),
    reasons: JSON.stringify(d.reasons),
    reviewId: d.review_id,
    latencyUs: d.evaluated_in_us,
    shadowVersion: d.shadow?.version ?? null,
    shadowDecision: d.shadow?.decision ?? null,
    shadowPolicyId: d.shadow?.policy_id ?? null,
  };
}

/** The decision rows a batch of audit records carries, in order. */
export function decisionRowsOf(records: readonly Pick<ChainFields, "action" | "details">[]): DecisionRecord[] {
  const rows: DecisionRecord[] = [];
  for (const r of records) {
    if (r.action !== DECISION_AUDIT_ACTION) continue;
    const recorded = (JSON.parse(r.details) as Record<string, unknown>)[DECISION_RECORD_KEY] as RecordedDecision | undefined;
    if (recorded) rows.push(decisionRowOf(recorded));
  }
  return rows;
}
