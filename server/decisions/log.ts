/**
 * The decision log's store access. Writes are group-committed like the audit log: records
 * arriving while a batch is written wait for the next batch, and each caller's promise
 * settles once its record is committed, so a decision is answered only after it is logged.
 */
import type { Logger } from "pino";
import { AppError } from "../errors";
import type { Db } from "../store/client";
import { Prisma } from "../store/generated/sqlite/client";
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

type Row = NonNullable<Awaited<ReturnType<Db["decisionRecord"]["findUnique"]>>>;

const MAX_BATCH = 500;

export class DecisionLog {
  private queue: { row: Row; resolve: () => void; reject: (err: Error) => void }[] = [];
  private flushing = false;

  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  append(entry: DecisionEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row: toRow(entry), resolve, reject });
      if (!this.flushing && this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  async byId(id: string): Promise<DecisionEntry | null> {
    const row = await this.deps.db.decisionRecord.findUnique({ where: { id } });
    return row ? fromRow(row) : null;
  }

  /** Newest first, within [from, to); only decisions that reached the policy stage when `evaluatedOnly`. */
  async recent(opts: { from?: Date; to?: Date; limit: number; evaluatedOnly?: boolean }): Promise<DecisionEntry[]> {
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
    const [evaluated, rows] = await Promise.all([
      db.decisionRecord.count({ where: { shadowVersion: version } }),
      db.decisionRecord.findMany({ where: { shadowVersion: version }, orderBy: { time: "desc" }, select: { id: true, lane: true, shadowDecision: true } }),
    ]);
    const disagreeing = rows.filter((r) => r.shadowDecision !== r.lane);
    const details = await db.decisionRecord.findMany({ where: { id: { in: disagreeing.slice(0, limit).map((r) => r.id) } }, orderBy: { time: "desc" } });
    return { evaluated, disagreements: details.map(fromRow), disagreementCount: disagreeing.length };
  }

  /** Waits for every queued record (shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.flushing) return new Promise((r) => setImmediate(r));
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.flushing = true;
    try {
      await insertRows(this.deps.db, batch.map((b) => b.row));
      for (const b of batch) b.resolve();
    } catch (err) {
      this.deps.logger.error({ err: (err as Error).message, records: batch.length }, "decision log write failed");
      const failure = new AppError("unavailable", "The decision log could not record this decision, so it was not answered.", { code: "decision_log_unavailable", cause: err });
      for (const b of batch) b.reject(failure);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) setImmediate(() => void this.flush());
    }
  }
}

const COLUMNS = [
  "id", "time", "requestId", "caller", "source", "principal", "userId", "agentId", "task", "scopes", "action", "resourceType", "resourceId",
  "resourceAttrs", "context", "decision", "lane", "policyId", "policyVersion", "matched", "reasons", "reviewId", "latencyUs", "shadowVersion", "shadowDecision", "shadowPolicyId",
] as const satisfies readonly (keyof Row)[];
const COLUMN_LIST = Prisma.raw(COLUMNS.map((c) => `"${c}"`).join(", "));

/**
 * One multi-row INSERT in plain SQL (Prisma's createMany costs several times the CPU, and
 * this runs once per decision). Times are ISO-8601 with an explicit offset, which is how
 * Prisma stores DateTime on SQLite and which PostgreSQL reads as that UTC time.
 */
async function insertRows(db: Db, rows: Row[]): Promise<void> {
  const values = rows.map((row) => Prisma.sql`(${Prisma.join(COLUMNS.map((c) => (c === "time" ? row.time.toISOString().replace("Z", "+00:00") : row[c])))})`);
  await db.$executeRaw`INSERT INTO "DecisionRecord" (${COLUMN_LIST}) VALUES ${Prisma.join(values)}`;
}

/** What the policy stage saw, rebuilt from a record (for replay and simulation). */
export function evaluationRequestOf(entry: DecisionEntry): EvaluationRequest | null {
  if (!entry.principal) return null;
  return { principal: entry.principal, action: entry.action, resource: entry.resource, context: entry.context };
}

function toRow(e: DecisionEntry): Row {
  return {
    id: e.id,
    time: e.time,
    requestId: e.requestId,
    caller: e.caller,
    source: e.source,
    principal: e.principal ? JSON.stringify(e.principal) : null,
    userId: e.principal?.user.id ?? null,
    agentId: e.principal?.agent.id ?? null,
    task: e.task,
    scopes: e.scopes ? JSON.stringify(e.scopes) : null,
    action: e.action,
    resourceType: e.resource.type,
    resourceId: e.resource.id,
    resourceAttrs: JSON.stringify(e.resource.attributes),
    context: JSON.stringify(e.context),
    decision: e.decision,
    lane: e.lane,
    policyId: e.policyId,
    policyVersion: e.policyVersion,
    matched: JSON.stringify(e.matched),
    reasons: JSON.stringify(e.reasons),
    reviewId: e.reviewId,
    latencyUs: e.latencyUs,
    shadowVersion: e.shadow?.version ?? null,
    shadowDecision: e.shadow?.decision ?? null,
    shadowPolicyId: e.shadow?.policyId ?? null,
  };
}

function fromRow(r: Row): DecisionEntry {
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
