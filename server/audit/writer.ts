/**
 * Durable audit appends with group commit: records arriving while a batch is being
 * written wait for the next batch, and every caller's promise settles only when its
 * record is committed. A caller answers its client after that, never before.
 */
import type { Logger } from "pino";
import { AppError } from "../errors";
import { newId } from "../ids";
import type { Store } from "../store/client";
import { linkRecords, type ChainFields } from "../store/audit-chain";
import { decisionRowsOf } from "../store/decision-rows";

export type AuditOutcome = "success" | "denied" | "failure";

export interface AuditEntry {
  requestId: string;
  actor: string;
  action: string;
  outcome: AuditOutcome;
  status: number;
  realm?: string | null;
  resource?: string | null;
  capability?: string | null;
  reason?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

interface Pending {
  fields: ChainFields;
  resolve: () => void;
  reject: (err: Error) => void;
}

const MAX_BATCH = 500;
/** Serialises chain extension across processes that share one PostgreSQL. */
const PG_CHAIN_LOCK = 7_242_001;

export class AuditWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  /** The newest record's promise: once it settles, every earlier one has too (batches commit in order). */
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly onDepth: (depth: number) => void = () => {},
  ) {}

  get depth(): number {
    return this.queue.length;
  }

  append(entry: AuditEntry): Promise<void> {
    const fields: ChainFields = {
      id: newId("aud"),
      time: new Date(),
      requestId: entry.requestId,
      actor: entry.actor,
      action: entry.action,
      realm: entry.realm ?? null,
      resource: entry.resource ?? null,
      outcome: entry.outcome,
      status: entry.status,
      capability: entry.capability ?? null,
      reason: entry.reason ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    };
    const done = new Promise<void>((resolve, reject) => {
      this.queue.push({ fields, resolve, reject });
      this.onDepth(this.queue.length);
      this.schedule();
    });
    this.last = done.catch(() => {});
    return done;
  }

  /** Waits until everything appended so far is committed and searchable (used at shutdown and before a verify). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing.catch(() => {});
      else await this.flushOnce();
    }
    await this.store.fast?.settle();
  }

  /**
   * Waits until the records appended before this call are searchable, without waiting for
   * later ones (a search under load must not chase the queue). On the embedded store the
   * table trails the durable log by up to a tenth of a second; a search asks it to catch up.
   */
  async settle(): Promise<void> {
    await this.last;
    await this.store.fast?.settle();
  }

  private schedule(): void {
    if (this.scheduled || this.waitsForFlush()) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flushOnce();
    });
  }

  /** The embedded store's log takes a batch while earlier ones are being written or synced; a shared database takes one transaction at a time. */
  private waitsForFlush(): boolean {
    return this.flushing !== null && this.store.fast === null;
  }

  /** One batch per event-loop turn (the embedded store's log links overlapping batches in order). */
  private async flushOnce(): Promise<void> {
    if (this.queue.length === 0 || this.waitsForFlush()) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.onDepth(this.queue.length);
    const write = this.write(batch);
    this.flushing = write;
    try {
      await write;
      for (const p of batch) p.resolve();
    } catch (err) {
      this.logger.error({ err: (err as Error).message, records: batch.length }, "audit write failed");
      const failure = new AppError("unavailable", "The audit log could not record this request, so it was not completed.", {
        code: "audit_unavailable",
      });
      for (const p of batch) p.reject(failure);
    } finally {
      if (this.flushing === write) this.flushing = null;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const { fast, db, provider } = this.store;
    const fields = batch.map((p) => p.fields);
    if (fast) return fast.appendAudit(fields);
    await db.$transaction(async (tx) => {
      // executeRaw: the lock function returns void, which $queryRaw cannot deserialize.
      if (provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_CHAIN_LOCK})`);
      const last = await tx.auditRecord.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
      const rows = linkRecords(last?.hash ?? null, fields);
      await tx.auditRecord.createMany({ data: rows });
      const decisions = decisionRowsOf(fields);
      if (decisions.length > 0) await tx.decisionRecord.createMany({ data: decisions });
    });
  }
}

/** The common case: a successful operation by an actor. */
export function auditSuccess(
  writer: Pick<AuditWriter, "append">,
  actor: { principal: { subject: string }; requestId: string; ip: string | null; navigation?: boolean },
  action: string,
  fields: { realm?: string | null; resource?: string | null; details?: Record<string, unknown> } = {},
): Promise<void> {
  // The console's page reads are not operator actions (see Actor.navigation).
  if (actor.navigation) return Promise.resolve();
  return writer.append({ requestId: actor.requestId, actor: actor.principal.subject, action, outcome: "success", status: 200, ip: actor.ip, ...fields });
}
