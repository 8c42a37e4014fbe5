/**
 * Several Arcan processes on one fresh PostgreSQL database: each with its own data
 * directory, all sharing one key-encryption key file (`[kms] key_file`, as a mounted
 * secret would be), started at the same time so migrations and the bootstrap token race.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { sleep } from "../helpers/core";
import { createDatabase, dropDatabase, startServer, type TestServer } from "../helpers/server";

export const SHARED_REDIS = process.env.ARCAN_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface Cluster {
  nodes: TestServer[];
  databaseUrl: string;
  adminToken: string;
  keyFile: string;
  /** Starts one more process on the same database and key file. */
  add(env?: Record<string, string>): Promise<TestServer>;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

export async function startCluster(n: number, env: Record<string, string> = {}): Promise<Cluster> {
  const databaseUrl = await createDatabase();
  const shared = mkdtempSync(path.join(tmpdir(), "arcan-cluster-"));
  const keyFile = path.join(shared, "kek.key");
  const base = { ARCAN_KMS_KEY_FILE: keyFile, ARCAN_LOG_LEVEL: "warn", ...env };
  const start = (extra: Record<string, string> = {}) => startServer({ databaseUrl, env: { ...base, ...extra }, keepAlive: true });
  const nodes = await Promise.all(Array.from({ length: n }, () => start()));
  const printed = nodes.map((s) => s.adminToken).filter(Boolean);
  assert.equal(printed.length, 1, `exactly one process prints the bootstrap token: ${printed.length}`);
  const adminToken = printed[0]!;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const cluster: Cluster = {
    nodes,
    databaseUrl,
    adminToken,
    keyFile,
    async add(extra = {}) {
      const s = await start(extra);
      nodes.push(s);
      return s;
    },
    sql: async <T>(query: string, params: unknown[] = []) => (await client.query(query, params)).rows as T[],
    async cleanup() {
      await client.end().catch(() => {});
      await Promise.all(nodes.map((s) => s.cleanup()));
      rmSync(shared, { recursive: true, force: true });
      await dropDatabase(databaseUrl).catch(() => {});
    },
  };
  return cluster;
}

/** A request as the cluster's admin (the processes that did not print the token know it only through the store). */
export function as(token: string) {
  return (s: TestServer, method: string, p: string, opts: { body?: unknown; token?: string } = {}) => s.request(method, p, { token, ...opts });
}

/** Polls `check` every few milliseconds; returns how long it took to become true. */
export async function timeUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await sleep(10);
  }
  assert.fail(`${what}: not within ${timeoutMs} ms`);
}

/** A prefix no other run uses, so clusters sharing the local Redis keep their channels and counters apart. */
export function redisPrefix(): string {
  return `arcan-test-${randomBytes(6).toString("hex")}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A private redis-server (never the shared one on 6379: other suites use it), stopped and started by the test. */
export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      for (let i = 0; i < 100; i++) {
        if (await reachable(port)) return;
        await sleep(50);
      }
      throw new Error("redis-server did not start");
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await exited;
    },
  };
  return redis;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}

/** A Prometheus sample's value (0 when absent). */
export function metric(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}
