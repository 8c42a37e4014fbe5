/**
 * The decision log's store access. Its rows are derived from the audit records of
 * decisions (store/decision-rows.ts): recording a decision is appending its audit record.
 * On the embedded store the table trails the durable audit log by up to a tenth of a
 * second, so a read that misses first lets the index catch up (`settle`).
 */
import type { Db } from "../store/client";
import type { DecisionRecord } from "../store/types";
import type { CompositePrincipal, EvaluationRequest, Lane } from "../policies/engine";

export interface DecisionEntry {
  id: string;
  time: Date;
  requestId: string;
  caller: string;
  source: "token" | "principal";
  principal: CompositePrincipal | null;
  task: string;
  scopes: string[] | null;
  action: string;
  resource: { type: string; id: string; attributes: Record<string, unknown> };
  context: Record<string, unknown>;
  decision: Lane;
  lane: Lane;
  policyId: string | null;
  policyVersion: number | null;
  matched: string[];
  reasons: string[];
  reviewId: string | null;
  latencyUs: number;
  shadow: { version: number; decision: Lane; policyId: string | null } | null;
}

export class DecisionLog {
  constructor(private readonly deps: { db: Db; settle: () => Promise<void> }) {}

  async byId(id: string): Promise<DecisionEntry | null> {
    const find = () => this.deps.db.decisionRecord.findUnique({ where: { id } });
    let row = await find();
    if (!row) {
      await this.deps.settle();
      row = await find();
    }
    return row ? fromRow(row) : null;
  }

  /** Newest first, within [from, to); only decisions that reached the policy stage when `evaluatedOnly`. */
  async recent(opts: { from?: Date; to?: Date; limit: number; evaluatedOnly?: boolean }): Promise<DecisionEntry[]> {
    await this.deps.settle();
    const rows = await this.deps.db.decisionRecord.findMany({
      where: {
        ...(opts.from || opts.to ? { time: { ...(opts.from ? { gte: opts.from } : {}), ...(opts.to ? { lt: opts.to } : {}) } } : {}),
        ...(opts.evaluatedOnly ? { principal: { not: null }, policyVersion: { not: null } } : {}),
      },
      orderBy: { time: "desc" },
      take: opts.limit,
    });
    return rows.map(fromRow);
  }

  /** Decisions a shadow version was evaluated on: how many, and the disagreements (newest first). */
  async shadowed(version: number, limit: number): Promise<{ evaluated: number; disagreements: DecisionEntry[]; disagreementCount: number }> {
    const { db } = this.deps;
    await this.deps.settle();
    const [evaluated, rows] = await Promise.all([
      db.decisionRecord.count({ where: { shadowVersion: version } }),
      db.decisionRecord.findMany({ where: { shadowVersion: version }, orderBy: { time: "desc" }, select: { id: true, lane: true, shadowDecision: true } }),
    ]);
    const disagreeing = rows.filter((r) => r.shadowDecision !== r.lane);
    const details = await db.decisionRecord.findMany({ where: { id: { in: disagreeing.slice(0, limit).map((r) => r.id) } }, orderBy: { time: "desc" } });
    return { evaluated, disagreements: details.map(fromRow), disagreementCount: disagreeing.length };
  }
}

/** What the policy stage saw, rebuilt from a record (for replay and simulation). */
export function evaluationRequestOf(entry: DecisionEntry): EvaluationRequest | null {
  if (!entry.principal) return null;
  return { principal: entry.principal, action: entry.action, resource: entry.resource, context: entry.context };
}

function fromRow(r: DecisionRecord): DecisionEntry {
  return {
    id: r.id,
    time: r.time,
    requestId: r.requestId,
    caller: r.caller,
    source: r.source === "token" ? "token" : "principal",
    principal: r.principal ? (JSON.parse(r.principal) as CompositePrincipal) : null,
    task: r.task,
    scopes: r.scopes ? (JSON.parse(r.scopes) as string[]) : null,
    action: r.action,
    resource: { type: r.resourceType, id: r.resourceId, attributes: JSON.parse(r.resourceAttrs) as Record<string, unknown> },
    context: JSON.parse(r.context) as Record<string, unknown>,
    decision: r.decision as Lane,
    lane: r.lane as Lane,
    policyId: r.policyId,
    policyVersion: r.policyVersion,
    matched: JSON.parse(r.matched) as string[],
    reasons: JSON.parse(r.reasons) as string[],
    reviewId: r.reviewId,
    latencyUs: r.latencyUs,
    shadow: r.shadowVersion !== null && r.shadowDecision ? { version: r.shadowVersion, decision: r.shadowDecision as Lane, policyId: r.shadowPolicyId } : null,
  };
}
