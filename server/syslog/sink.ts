/**
 * The syslog sink: reads the audit log in order from a cursor kept in the store
 * (SinkCursor "syslog") and sends every record as an RFC 5424 message. The cursor moves
 * only after a batch was sent, so a collector that is down delays records but loses
 * none; the sink keeps retrying (and reconnecting) until it is back. With PostgreSQL the
 * cursor row is locked (SKIP LOCKED) while a batch is sent, and only the holder of a session
 * advisory lock sends at all (another process takes over when it dies).
 */
import type { Logger } from "pino";
import { SessionLock } from "../cluster/session-lock";
import type { Db, Store } from "../store/client";
import { formatAuditRecord } from "./format";
import { createTransport, type SyslogTransport } from "./transport";

const CURSOR = "syslog";
const BATCH = 200;
/** pg_try_advisory_lock key of the syslog sender (one per PostgreSQL database). */
export const SYSLOG_LOCK_KEY = 7_242_010;

export interface SyslogSinkOptions {
  pollMs?: number;
  /** Longest wait between tries while the collector is down. */
  maxBackoffMs?: number;
}

export class SyslogSink {
  private readonly transport: SyslogTransport;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private readonly lock: SessionLock;

  constructor(
    private readonly db: Db,
    private readonly provider: Store["provider"],
    readonly address: string,
    private readonly logger: Logger,
    options: SyslogSinkOptions & { databaseUrl?: string | null } = {},
  ) {
    this.lock = new SessionLock({ provider, databaseUrl: options.databaseUrl ?? null, key: SYSLOG_LOCK_KEY, name: "syslog sink", logger, retryMs: 1_000 });
    this.transport = createTransport(address);
    this.pollMs = options.pollMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  start(): void {
    this.schedule(0);
  }

  /** Sends what is already committed (best effort, bounded), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.failures === 0) await this.pump().catch(() => {});
    this.transport.close();
    await this.lock.release();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.loop();
    }, ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let next = this.pollMs;
    try {
      while ((await this.pump()) === BATCH && !this.stopped);
      if (this.failures > 0) this.logger.info({ address: this.address }, "syslog sink: collector reachable again");
      this.failures = 0;
    } catch (err) {
      this.failures++;
      next = Math.min(this.maxBackoffMs, this.pollMs * 2 ** Math.min(this.failures, 6));
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn({ address: this.address, err: (err as Error).message.split("\n")[0], failures: this.failures }, "syslog sink: cannot send; will retry");
      }
    }
    this.running = null;
    this.schedule(next);
  }

  /** Sends the next batch after the cursor; returns how many records were sent. */
  private async pump(): Promise<number> {
    if (this.provider === "postgresql") {
      if (!(await this.lock.held())) return 0;
      return this.db.$transaction(
        async (tx) => {
          await tx.$executeRaw`INSERT INTO "SinkCursor" (name, position, "updatedAt") VALUES (${CURSOR}, 0, now()) ON CONFLICT (name) DO NOTHING`;
          const locked = await tx.$queryRaw<{ position: number }[]>`SELECT position FROM "SinkCursor" WHERE name = ${CURSOR} FOR UPDATE SKIP LOCKED`;
          if (locked.length === 0) return 0; // another process is sending
          return this.sendAfter(tx, Number(locked[0]!.position));
        },
        { timeout: 30_000, maxWait: 5_000 },
      );
    }
    // SQLite: one process; no transaction is held open while the network is used.
    const cursor = await this.db.sinkCursor.findUnique({ where: { name: CURSOR } });
    return this.sendAfter(this.db, cursor?.position ?? 0);
  }

  private async sendAfter(db: Pick<Db, "auditRecord" | "sinkCursor">, position: number): Promise<number> {
    const records = await db.auditRecord.findMany({ where: { seq: { gt: position } }, orderBy: { seq: "asc" }, take: BATCH });
    if (records.length === 0) return 0;
    await this.transport.send(records.map((r) => formatAuditRecord(r)));
    const last = records[records.length - 1]!.seq;
    await db.sinkCursor.upsert({ where: { name: CURSOR }, create: { name: CURSOR, position: last }, update: { position: last } });
    return records.length;
  }
}
