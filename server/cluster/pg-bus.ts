/**
 * The invalidation bus over PostgreSQL LISTEN/NOTIFY (no Redis configured): one dedicated
 * listening connection, reconnected with a short backoff and checked by a heartbeat so a
 * connection the server dropped is noticed; notifications are sent from a small pool.
 */
import pg from "pg";
import type { Logger } from "pino";
import { BusCore, PUBLISH_WAIT_MS, waitAtMost, type Invalidation } from "./bus";

export const PG_CHANNEL = "arcan_invalidate";
const HEARTBEAT_MS = 2_000;
const RETRY_MS = [100, 250, 500, 1_000];

export class PgBus extends BusCore {
  readonly transport = "postgres" as const;
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    logger: Pick<Logger, "warn" | "info">,
  ) {
    super(logger);
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
    this.pool.on("error", () => {});
  }

  protected async open(): Promise<void> {
    await this.listen();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 2_000, keepAlive: true, application_name: `arcan bus ${process.pid}` });
    const drop = (reason: string) => {
      if (this.listener !== client && this.listener !== null) return;
      this.listener = null;
      client.removeAllListeners("notification");
      void client.end().catch(() => {});
      this.lost(reason);
      this.scheduleRetry();
    };
    client.on("error", (err) => drop(err.message.split("\n")[0] ?? "error"));
    client.on("end", () => drop("connection ended"));
    client.on("notification", (m) => {
      if (m.channel === PG_CHANNEL && m.payload) this.received(m.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PG_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners("end");
      await client.end().catch(() => {});
      this.lost((err as Error).message.split("\n")[0] ?? "connect failed");
      this.scheduleRetry();
      return;
    }
    this.listener = client;
    this.attempts = 0;
    this.connected();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    const wait = RETRY_MS[Math.min(this.attempts++, RETRY_MS.length - 1)]!;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.listen();
    }, wait);
    this.retry.unref();
  }

  private async beat(): Promise<void> {
    const client = this.listener;
    if (!client) return;
    try {
      await client.query("SELECT 1");
    } catch {
      client.emit("end");
    }
  }

  async publish(event: Invalidation): Promise<void> {
    await waitAtMost(this.pool.query("SELECT pg_notify($1, $2)", [PG_CHANNEL, this.encode(event)]), PUBLISH_WAIT_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.retry) clearTimeout(this.retry);
    const client = this.listener;
    this.listener = null;
    client?.removeAllListeners("end");
    await client?.end().catch(() => {});
    await this.pool.end().catch(() => {});
  }
}
