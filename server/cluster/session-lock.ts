/**
 * One worker at a time across processes sharing PostgreSQL: a session advisory lock held
 * on its own connection for as long as that connection lives. When the holder dies its
 * session ends, the lock is free, and another process's next try takes it over. SQLite has
 * one process per store, so there the lock is always held.
 */
import pg from "pg";
import type { Logger } from "pino";
import type { Store } from "../store/client";

const DEFAULT_RETRY_MS = 2_000;

export class SessionLock {
  private client: pg.Client | null = null;
  private lastTry = 0;
  private readonly retryMs: number;

  constructor(
    private readonly deps: {
      provider: Store["provider"];
      /** Arcan's own PostgreSQL; null on SQLite. */
      databaseUrl: string | null;
      /** pg_try_advisory_lock key (one holder per database). */
      key: number;
      /** For log lines: what the lock guards. */
      name: string;
      logger: Pick<Logger, "warn">;
      retryMs?: number;
    },
  ) {
    this.retryMs = deps.retryMs ?? DEFAULT_RETRY_MS;
  }

  /** Whether this process holds the lock now (taking it when it is free; asking again only every retryMs). */
  async held(): Promise<boolean> {
    if (this.deps.provider !== "postgresql" || !this.deps.databaseUrl) return true;
    if (this.client) return true;
    if (Date.now() - this.lastTry < this.retryMs) return false;
    this.lastTry = Date.now();
    const client = new pg.Client({ connectionString: this.deps.databaseUrl, connectionTimeoutMillis: 5_000, keepAlive: true, application_name: `arcan ${this.deps.name} ${process.pid}` });
    client.on("error", () => {
      if (this.client === client) this.client = null;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [this.deps.key]);
      if (rows[0]?.locked) {
        client.once("end", () => {
          if (this.client === client) this.client = null;
        });
        this.client = client;
        return true;
      }
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message.split("\n")[0] }, `${this.deps.name}: could not reach PostgreSQL for its lock`);
    }
    await client.end().catch(() => {});
    return false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
