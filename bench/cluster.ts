/**
 * Scale-out figures: authenticated secret reads per second with one Arcan process and with
 * two on the same PostgreSQL database and Redis (each process pinned to its own core when
 * taskset is available; the load generator, this process, shares them), and the
 * revoke-propagation delay (revoke through A → first 401 from B) over 100 revocations,
 * for both bus transports (Redis pub/sub and PostgreSQL LISTEN/NOTIFY).
 *
 *   npm run bench:cluster     (BENCH_SECONDS=5 BENCH_CONNECTIONS=32 BENCH_REVOCATIONS=100)
 *
 * Runs the production bundle when `npm run build` made one, the TypeScript source otherwise.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createDatabase, dropDatabase, httpsJson, ROOT, spawnArcan } from "../test/helpers/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 100);
const REDIS = process.env.ARCAN_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PRODUCTION = existsSync(path.join(ROOT, "dist/server/main.mjs"));
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const BOOTSTRAP = `bench-admin-${randomBytes(16).toString("hex")}`;

interface Node {
  port: number;
  ca: Buffer;
  stop(): Promise<void>;
  call(method: string, p: string, body?: unknown, token?: string): ReturnType<typeof httpsJson>;
}

async function startNode(databaseUrl: string, keyFile: string, core: number, env: Record<string, string>): Promise<Node> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-cluster-"));
  const started = await spawnArcan(
    { ARCAN_DATA_DIR: dataDir, ARCAN_DATABASE_URL: databaseUrl, ARCAN_KMS_KEY_FILE: keyFile, ARCAN_BOOTSTRAP_TOKEN: BOOTSTRAP, ARCAN_LOG_LEVEL: "warn", ARCAN_RATE_LIMIT_PER_IP: "10000000", ...env },
    { production: PRODUCTION },
  );
  if (hasTaskset && started.child.pid) spawnSync("taskset", ["-acp", String(core), String(started.child.pid)]);
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  return {
    port: started.port,
    ca,
    call: (method, p, body, token = BOOTSTRAP) => httpsJson(started.port, ca, method, p, { token, body }),
    async stop() {
      started.child.kill("SIGTERM");
      await new Promise((r) => started.child.once("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function reads(nodes: Node[], token: string): Promise<number> {
  const run = (n: Node, duration: number) =>
    autocannon({
      url: `https://127.0.0.1:${n.port}/api/v1/realms/bench/secrets/DATABASE_URL`,
      connections: Math.max(1, Math.floor(CONNECTIONS / nodes.length)),
      duration,
      headers: { authorization: `Bearer ${token}` },
    });
  await Promise.all(nodes.map((n) => run(n, 1)));
  const results = await Promise.all(nodes.map((n) => run(n, SECONDS)));
  const bad = results.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
  if (bad > 0) throw new Error(`${bad} reads failed: ${JSON.stringify(results.map((r) => ({ codes: r.statusCodeStats, errors: r.errors, timeouts: r.timeouts })))}`);
  return results.reduce((sum, r) => sum + r.requests.average, 0);
}

async function propagation(a: Node, b: Node): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < REVOCATIONS; i++) {
    const created = await a.call("POST", "/api/v1/auth/tokens", { name: `rev-${i}`, capabilities: ["realms:read"], rate_limit: 1_000_000 });
    const { id, token } = created.body as { id: string; token: string };
    if ((await b.call("GET", "/api/v1/realms", undefined, token)).status !== 200) throw new Error("B does not accept the new token");
    const revoked = await a.call("POST", `/api/v1/auth/tokens/${id}/revoke`);
    if (revoked.status !== 200) throw new Error(`revoke: ${revoked.status}`);
    const from = performance.now();
    while ((await b.call("GET", "/api/v1/realms", undefined, token)).status !== 401) {
      if (performance.now() - from > 5_000) throw new Error("B still accepts a revoked token after 5 s");
    }
    delays.push(performance.now() - from);
  }
  return delays.sort((x, y) => x - y);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function cluster(transport: "redis" | "postgres") {
  const databaseUrl = await createDatabase();
  const shared = mkdtempSync(path.join(tmpdir(), "arcan-bench-kek-"));
  const keyFile = path.join(shared, "kek.key");
  const env: Record<string, string> = transport === "redis" ? { ARCAN_REDIS_URL: REDIS, ARCAN_REDIS_KEY_PREFIX: `arcan-bench-${randomBytes(4).toString("hex")}` } : {};
  const a = await startNode(databaseUrl, keyFile, 0, env);
  const nodes = [a];
  try {
    await a.call("POST", "/api/v1/realms", { name: "bench" });
    await a.call("PUT", "/api/v1/realms/bench/secrets/DATABASE_URL", { value: "postgres://app:s3cret@db.internal:5432/app" });
    const created = await a.call("POST", "/api/v1/auth/tokens", { name: "bench-reader", capabilities: ["secrets:read"], realms: ["bench"], rate_limit: 1_000_000 });
    if (created.status !== 201) throw new Error(`token: ${created.status} ${created.text}`);
    const token = (created.body as { token: string }).token;
    const one = await reads([a], token);
    const b = await startNode(databaseUrl, keyFile, 1, env);
    nodes.push(b);
    const two = transport === "redis" ? await reads([a, b], token) : null;
    const delays = await propagation(a, b);
    return { one, two, delays };
  } finally {
    for (const n of nodes) await n.stop();
    rmSync(shared, { recursive: true, force: true });
    await dropDatabase(databaseUrl).catch(() => {});
  }
}

const redis = await cluster("redis");
const pg = await cluster("postgres");
console.log(`\nCluster benchmark (${PRODUCTION ? "production bundle" : "TypeScript source via tsx"}): ${CONNECTIONS} connections, ${SECONDS} s per run, taskset ${hasTaskset ? "process A core 0, process B core 1, load generator unpinned" : "unavailable"}; machine shared with other work`);
console.table([
  { processes: 1, limiter: "in memory (no Redis; NOTIFY bus)", "secret reads/s": Math.round(pg.one) },
  { processes: 1, limiter: "Redis (shared)", "secret reads/s": Math.round(redis.one) },
  { processes: 2, limiter: "Redis (shared)", "secret reads/s": Math.round(redis.two!) },
]);
console.log(`ratio 2 processes / 1 process (Redis) = ${(redis.two! / redis.one).toFixed(2)} (2 cores; the load generator competes for them)`);
console.log(`ratio Redis limiter / in-memory limiter, 1 process = ${(redis.one / pg.one).toFixed(2)}`);
console.table([
  { bus: "redis pub/sub", revocations: redis.delays.length, p50_ms: pct(redis.delays, 50).toFixed(1), p99_ms: pct(redis.delays, 99).toFixed(1), max_ms: redis.delays.at(-1)!.toFixed(1) },
  { bus: "postgres LISTEN/NOTIFY", revocations: pg.delays.length, p50_ms: pct(pg.delays, 50).toFixed(1), p99_ms: pct(pg.delays, 99).toFixed(1), max_ms: pg.delays.at(-1)!.toFixed(1) },
]);
console.log("revoke-propagation delay: from the revoke's response on A to the first 401 from B (contract: within 1 s)");
