/**
 * Helpers shared by the core integration suites (test/core): a server with generous rate
 * limits (tests that check limits set their own), raw access to the store behind the API,
 * and assertions for the contract's problem+json errors.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { startServer, type Reply, type TestServer } from "./server";
import type { AuditRecordView } from "../../server/audit/service";

export type StoreKind = "sqlite" | "postgres";

/** Limits high enough that only the rate-limit suite ever sees a 429. */
export const NO_RATE_LIMITS = { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" };

export function startCore(store: StoreKind, env: Record<string, string> = {}): Promise<TestServer> {
  return startServer({ store, env: { ...NO_RATE_LIMITS, ...env }, keepAlive: true });
}

/** A short random suffix for names that must be unique within one server. */
export function uid(): string {
  return randomBytes(4).toString("hex");
}

/** Asserts an RFC 9457 problem with the contract's fields; returns its body. */
export function assertProblem(reply: Reply, status: number, code?: string): ProblemBody {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.match(String(reply.headers["content-type"]), /^application\/problem\+json/);
  const body = reply.body as ProblemBody;
  for (const field of ["type", "title", "detail", "code", "request_id"] as const) assert.equal(typeof body[field], "string", `problem has ${field}`);
  assert.equal(body.status, status);
  assert.equal(body.request_id, reply.headers["x-request-id"], "request_id matches the X-Request-Id header");
  if (code) assert.equal(body.code, code, `code: ${reply.text}`);
  return body;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: { field: string; message: string }[];
}

/** Asserts a 400 whose errors name `field` (and whose detail mentions it). */
export function assertNamesField(reply: Reply, field: string): void {
  const body = assertProblem(reply, 400);
  assert.ok(body.errors?.some((e) => e.field.split(", ").includes(field)), `errors name ${field}: ${reply.text}`);
  assert.ok(body.detail.toLowerCase().includes(field.toLowerCase()), `detail mentions ${field}: ${body.detail}`);
}

export interface CreatedToken {
  id: string;
  token: string;
  subject: string;
}

/** Creates a token as `as` (the admin by default); fails the test unless it is 201. */
export async function createToken(s: TestServer, body: Record<string, unknown>, as?: string): Promise<CreatedToken> {
  const r = await s.request("POST", "/api/v1/auth/tokens", { body: { name: `t-${uid()}`, ...body }, ...(as ? { token: as } : {}) });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.id, token: r.body.token, subject: `token:${r.body.id}` };
}

export async function createRealm(s: TestServer, name: string): Promise<void> {
  const r = await s.request("POST", "/api/v1/realms", { body: { name } });
  assert.equal(r.status, 201, r.text);
}

export async function putSecret(s: TestServer, realm: string, key: string, value: string, token?: string): Promise<number> {
  const r = await s.request("PUT", `/api/v1/realms/${realm}/secrets/${key}`, { body: { value }, ...(token ? { token } : {}) });
  assert.equal(r.status, 200, r.text);
  return r.body.version as number;
}

/** Every audit record matching `query`, following cursors (newest first). */
export async function allAudit(s: TestServer, query = ""): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = [query, "limit=500", cursor ? `cursor=${cursor}` : ""].filter(Boolean).join("&");
    const r = await s.request("GET", `/api/v1/audit?${qs}`);
    assert.equal(r.status, 200, r.text);
    out.push(...(r.body.items as AuditRecord[]));
    cursor = r.body.next_cursor;
  } while (cursor);
  return out;
}

/** An audit record as the API returns it. */
export type AuditRecord = AuditRecordView;

/** Direct SQL access to the server's store, as an operator (or an attacker) would have. */
export interface RawStore {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens the store a test server uses. SQL uses `?` placeholders for both providers. */
export async function openRawStore(s: TestServer): Promise<RawStore> {
  if (s.databaseUrl) {
    const client = new pg.Client({ connectionString: s.databaseUrl });
    await client.connect();
    const numbered = (sql: string) => {
      let n = 0;
      return sql.replace(/\?/g, () => `$${++n}`);
    };
    return {
      query: async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows as T[],
      exec: async (sql, params = []) => void (await client.query(numbered(sql), params)),
      close: () => client.end(),
    };
  }
  const db = new Database(path.join(s.dataDir, "arcan.db"));
  db.pragma("busy_timeout = 5000");
  return {
    query: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    exec: async (sql, params = []) => void db.prepare(sql).run(...params),
    close: async () => void db.close(),
  };
}

/** The store's raw bytes as far as a file reader sees them: every SQLite file, or every PostgreSQL row as text. */
export async function rawStoreText(s: TestServer): Promise<string> {
  if (!s.databaseUrl) {
    return readdirSync(s.dataDir)
      .filter((f) => f.startsWith("arcan.db"))
      .map((f) => readFileSync(path.join(s.dataDir, f)).toString("latin1"))
      .join("\n");
  }
  const raw = await openRawStore(s);
  try {
    const tables = await raw.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    const parts: string[] = [];
    for (const { tablename } of tables) {
      const rows = await raw.query<{ t: string }>(`SELECT t::text AS t FROM "${tablename}" t`);
      parts.push(...rows.map((r) => r.t));
    }
    return parts.join("\n");
  } finally {
    await raw.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Crash tests' load: `callers` loops of `call` until `enough` calls have been acknowledged
 * (a 200), then SIGKILL while they run. A refusal before the kill fails the test; a call
 * the kill cuts off throws (the connection died) and is counted as interrupted.
 */
export async function killMidLoad<T>(
  s: TestServer,
  opts: { callers: number; enough: number; call: (caller: number, i: number) => Promise<{ reply: Reply; ack: T }> },
): Promise<{ acks: T[]; interrupted: number }> {
  const acks: T[] = [];
  let killed = false;
  let interrupted = 0;
  const loop = async (caller: number) => {
    for (let i = 0; !killed; i++) {
      let answer: { reply: Reply; ack: T };
      try {
        answer = await opts.call(caller, i);
      } catch {
        interrupted++;
        continue;
      }
      if (answer.reply.status === 200) acks.push(answer.ack);
      else if (!killed) assert.fail(`refused before the kill: ${answer.reply.status} ${answer.reply.text}`);
    }
  };
  const running = Promise.all(Array.from({ length: opts.callers }, (_, c) => loop(c)));
  let failed = false;
  running.catch(() => {
    failed = true;
  });
  while (acks.length < opts.enough && !failed) await sleep(5);
  await s.kill();
  killed = true;
  await running;
  return { acks, interrupted };
}
