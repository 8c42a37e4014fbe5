/**
 * The connection manager behind ctx.sql: one pool per engine mount, holding the root
 * credentials the plugin never sees. `connection_url` may carry {{username}} and
 * {{password}} placeholders (filled from the mount's config, as for the postgres engine).
 * Every statement has a timeout.
 */
import mysql from "mysql2/promise";
import pg from "pg";

export interface SqlResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

interface Pool {
  query(text: string, params: unknown[]): Promise<SqlResult>;
  end(): Promise<void>;
}

/** Connecting is not a statement: it gets its own, longer limit. */
const CONNECT_TIMEOUT_MS = 10_000;

export function sqlDialect(url: string): "postgres" | "mysql" | null {
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  if (/^(mysql|mariadb):\/\//.test(url)) return "mysql";
  return null;
}

export function fillConnectionUrl(config: Readonly<Record<string, unknown>>): string {
  const url = typeof config.connection_url === "string" ? config.connection_url : "";
  const username = typeof config.username === "string" ? config.username : "";
  const password = typeof config.password === "string" ? config.password : "";
  return url.replaceAll("{{username}}", encodeURIComponent(username)).replaceAll("{{password}}", encodeURIComponent(password));
}

/** JSON-safe values for the guest (dates as ISO strings, bytes as UTF-8, bigints as strings). */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (typeof value === "bigint") return value.toString();
  return value;
}

function plainRows(rows: unknown): Record<string, unknown>[] {
  if (!Array.isArray(rows)) return [];
  return rows.map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, plain(v)])));
}

function postgresPool(url: string, max: number, timeoutMs: number): Pool {
  const pool = new pg.Pool({ connectionString: url, max, statement_timeout: timeoutMs, query_timeout: timeoutMs + 1000, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client's error (server restarted) must not crash the process.
  pool.on("error", () => {});
  return {
    async query(text, params) {
      const result = await pool.query(text, params);
      return { rows: plainRows(result.rows), rowCount: result.rowCount ?? 0 };
    },
    end: () => pool.end(),
  };
}

function mysqlPool(url: string, max: number, timeoutMs: number): Pool {
  const pool = mysql.createPool({ uri: url.replace(/^mariadb:/, "mysql:"), connectionLimit: max, connectTimeout: CONNECT_TIMEOUT_MS, supportBigNumbers: true, bigNumberStrings: true });
  pool.pool.on("error", () => {});
  return {
    async query(text, params) {
      const [result] = await pool.query({ sql: text, timeout: timeoutMs }, params);
      if (Array.isArray(result)) return { rows: plainRows(result), rowCount: result.length };
      return { rows: [], rowCount: Number((result as { affectedRows?: number }).affectedRows ?? 0) };
    },
    end: () => pool.end(),
  };
}

export class ConnectionManager {
  private readonly pools = new Map<string, { url: string; pool: Pool }>();

  constructor(private readonly statementTimeoutMs: number) {}

  async query(mountId: string, config: Readonly<Record<string, unknown>>, text: string, params: unknown[]): Promise<SqlResult> {
    const url = fillConnectionUrl(config);
    let entry = this.pools.get(mountId);
    if (entry && entry.url !== url) {
      // The mount's config changed (rotate-root, PATCH): the old pool's credentials are stale.
      this.pools.delete(mountId);
      void entry.pool.end().catch(() => {});
      entry = undefined;
    }
    if (!entry) {
      const dialect = sqlDialect(url);
      if (!dialect) throw new Error("connection_url must be a postgres:// or mysql:// URL");
      const max = typeof config.max_open_connections === "number" ? config.max_open_connections : 4;
      const pool = dialect === "postgres" ? postgresPool(url, max, this.statementTimeoutMs) : mysqlPool(url, max, this.statementTimeoutMs);
      entry = { url, pool };
      this.pools.set(mountId, entry);
    }
    return entry.pool.query(text, params);
  }

  async close(mountId: string): Promise<void> {
    const entry = this.pools.get(mountId);
    this.pools.delete(mountId);
    await entry?.pool.end().catch(() => {});
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.keys()].map((id) => this.close(id)));
  }
}
