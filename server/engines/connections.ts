/**
 * The connection manager: it holds the root credentials of every mount that talks SQL to
 * PostgreSQL, as one bounded `pg` pool per mount, opened on first use and closed when the
 * mount is deleted or its config changes. Root credentials never leave it: drivers and
 * plugins get a pool or a query function, never the password.
 */
import { createHash } from "node:crypto";
import pg from "pg";

export interface PoolSpec {
  /** postgres:// URL with the credentials already filled in. */
  url: string;
  max: number;
}

const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 30_000;

/** A reason for people: the first line of the driver's message with every given secret (and URL credentials) masked. */
export function safeReason(err: unknown, secrets: readonly string[] = []): string {
  let text = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "unknown error";
  for (const s of secrets) if (s) text = text.split(s).join("***");
  return text.replace(/\/\/[^/@\s]*@/g, "//***@").slice(0, 500);
}

/** `{{username}}` and `{{password}}` in a connection URL, URL-encoded. */
export function fillConnectionUrl(template: string, username: string, password: string): string {
  return template.replaceAll("{{username}}", encodeURIComponent(username)).replaceAll("{{password}}", encodeURIComponent(password));
}

export class ConnectionManager {
  private readonly pools = new Map<string, { fingerprint: string; pool: pg.Pool }>();

  /** The mount's pool; a pool made from an older config is closed and replaced. */
  pool(mountId: string, spec: PoolSpec): pg.Pool {
    const fingerprint = createHash("sha256").update(`${spec.max}\n${spec.url}`).digest("hex");
    const held = this.pools.get(mountId);
    if (held?.fingerprint === fingerprint) return held.pool;
    if (held) void held.pool.end().catch(() => {});
    const pool = new pg.Pool({ connectionString: spec.url, max: spec.max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, idleTimeoutMillis: IDLE_TIMEOUT_MS });
    // An idle connection that the server closes must not crash the process; the next checkout reconnects.
    pool.on("error", () => {});
    this.pools.set(mountId, { fingerprint, pool });
    return pool;
  }

  /** One connection outside any pool, to prove a config works (mount, PATCH). */
  async probe(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
    } finally {
      await client.end().catch(() => {});
    }
  }

  async close(mountId: string): Promise<void> {
    const held = this.pools.get(mountId);
    this.pools.delete(mountId);
    await held?.pool.end().catch(() => {});
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.keys()].map((id) => this.close(id)));
  }
}
