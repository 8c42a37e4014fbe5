/**
 * Starts a real Arcan process (the production entry point) over HTTPS for integration
 * tests, on SQLite in a temp data directory or on a fresh PostgreSQL database.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const STORES = (process.env.ARCAN_TEST_STORES ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
const PG_ADMIN_URL = process.env.ARCAN_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

// Tests read replies field by field; `any` keeps them readable, like a JSON client would.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Reply<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface TestServer {
  url: string;
  port: number;
  /** The server process's id. */
  pid: number;
  adminToken: string;
  dataDir: string;
  databaseUrl: string | null;
  stderr: () => string;
  stdout: () => string;
  request<T = any>(method: string, path: string, opts?: { token?: string | null; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> }): Promise<Reply<T>>;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
  restart(env?: Record<string, string>): Promise<TestServer>;
  cleanup(): Promise<void>;
}

export async function createDatabase(): Promise<string> {
  const name = `arcan_test_${process.pid}_${Math.floor(performance.now() * 1000) % 1e9}`;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = url.slice(url.lastIndexOf("/") + 1);
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
}

/** Spawns the server and resolves once it listens; rejects with its stderr if it exits first. */
export function spawnArcan(env: Record<string, string>, opts: { production?: boolean; nodeArgs?: string[] } = {}): Promise<{ child: ChildProcess; port: number; stderr: () => string; stdout: () => string; adminToken: string | null }> {
  // production: the bundle `npm run build` makes (what `npm start` runs); otherwise the TypeScript source.
  const args = [...(opts.nodeArgs ?? []), ...(opts.production ? [path.join(ROOT, "dist/server/main.mjs")] : ["--import", "tsx", path.join(ROOT, "server/main.ts")])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ARCAN_HOST: "127.0.0.1", ARCAN_PORT: "0", ARCAN_CONSOLE_ENABLED: "false", ARCAN_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${err}`)), 60_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening on https:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        const token = /Admin token \(shown once, store it now\): (\S+)/.exec(err)?.[1] ?? null;
        resolve({ child, port: Number(m[1]), stderr: () => err, stdout: () => out, adminToken: token });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}:\n${err}`), { code, stderr: err }));
    });
  });
}

export interface StartOptions {
  store?: "sqlite" | "postgres";
  env?: Record<string, string>;
  dataDir?: string;
  databaseUrl?: string | null;
  adminToken?: string;
  /** Reuse TLS connections between requests (about 3x faster for request-heavy suites). */
  keepAlive?: boolean;
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "arcan-test-"));
  const databaseUrl = opts.databaseUrl !== undefined ? opts.databaseUrl : opts.store === "postgres" ? await createDatabase() : null;
  const env: Record<string, string> = { ARCAN_DATA_DIR: dataDir, ...(databaseUrl ? { ARCAN_DATABASE_URL: databaseUrl } : {}), ...opts.env };
  const started = await spawnArcan(env);
  const adminToken = started.adminToken ?? opts.adminToken ?? env.ARCAN_BOOTSTRAP_TOKEN ?? "";
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  const { child, port } = started;
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const agent = opts.keepAlive ? new Agent({ keepAlive: true, ca, maxSockets: 32 }) : undefined;
  void exited.then(() => agent?.destroy());

  const server: TestServer = {
    url: `https://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    adminToken,
    dataDir,
    databaseUrl,
    stderr: started.stderr,
    stdout: started.stdout,
    request: (method, p, o = {}) => httpsJson(port, ca, method, p, { ...o, token: o.token === undefined ? adminToken : o.token }, agent),
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async restart(extraEnv = {}) {
      if (child.exitCode === null && child.signalCode === null) await server.stop();
      return startServer({ dataDir, databaseUrl, env: { ...opts.env, ...extraEnv }, adminToken, ...(opts.keepAlive ? { keepAlive: true } : {}) });
    },
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl && !opts.databaseUrl) await dropDatabase(databaseUrl).catch(() => {});
    },
  };
  return server;
}

export function httpsJson(
  port: number,
  ca: Buffer,
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> },
  agent?: Agent,
): Promise<Reply> {
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const headers: Record<string, string> = {
    ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
    ...(payload !== undefined && opts.rawBody === undefined ? { "Content-Type": "application/json" } : {}),
    // Without it Node sends a GET or DELETE body unframed, and the server sees a second, broken request.
    ...(payload !== undefined ? { "Content-Length": String(Buffer.byteLength(payload)) } : {}),
    ...opts.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: "127.0.0.1", port, method, path: p, ca, servername: "localhost", headers, agent: agent ?? false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          /* not JSON (metrics) */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
