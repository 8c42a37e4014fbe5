/**
 * npm run bench:leases — dynamic PostgreSQL credentials through the REST API against a
 * local password-authenticated cluster this benchmark starts (as the tests do): leases
 * created and revoked per second with p50/p99 latency, then the reaper's lag at expiry
 * for BENCH_EXPIRING leases (default 1,000) whose expires_at all fall in the same minute,
 * measured from each lease's expires_at to its lease.expire audit record.
 *
 *   BENCH_LEASES=500 BENCH_CONCURRENCY=8 BENCH_EXPIRING=1000 BENCH_STORE=sqlite|postgres
 */
import pg from "pg";
import { startPgCluster } from "../test/helpers/pg-cluster";
import { startServer, type TestServer } from "../test/helpers/server";

const LEASES = Number(process.env.BENCH_LEASES ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const EXPIRING = Number(process.env.BENCH_EXPIRING ?? 1000);
const STORE = process.env.BENCH_STORE === "postgres" ? "postgres" : "sqlite";
const ROOT_PASSWORD = "bench-root-Pw-7d21e0";
const REALM = "bench";

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

/** Runs `task` for 0..count-1 with `concurrency` in flight; returns each call's latency (ms). */
async function timed(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await task(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const cluster = await startPgCluster();
  let server: TestServer | null = null;
  try {
    const su = await cluster.superuser();
    await su.query(`CREATE ROLE bench_root LOGIN CREATEROLE PASSWORD '${ROOT_PASSWORD}'`);
    await su.query("CREATE DATABASE app OWNER bench_root");
    await su.end();
    const root = new pg.Client({ connectionString: cluster.url("bench_root", ROOT_PASSWORD, "app") });
    await root.connect();
    await root.query("CREATE TABLE items (id int)");
    await root.end();

    server = await startServer({ store: STORE, env: { ARCAN_RATE_LIMIT_PER_TOKEN: "10000000", ARCAN_LOG_LEVEL: "error" }, keepAlive: true });
    const s = server;
    const call = async (method: string, path: string, body?: unknown, expect = 200) => {
      const r = await s.request(method, path, body === undefined ? {} : { body });
      if (r.status !== expect) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    await call("POST", "/api/v1/realms", { name: REALM }, 201);
    await call(
      "POST",
      `/api/v1/realms/${REALM}/engines`,
      { name: "pg", type: "postgres", config: { connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster.port}/app`, username: "bench_root", password: ROOT_PASSWORD, max_open_connections: 8 } },
      201,
    );
    const role = { name: "readonly", creation_statements: [`CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`, `GRANT SELECT ON items TO "{{name}}"`], max_ttl: "24h" };
    await call("POST", `/api/v1/realms/${REALM}/engines/pg/roles`, role, 201);
    const leasePath = `/api/v1/realms/${REALM}/leases`;

    // Warm-up: the first requests open pools and run cold code.
    for (let i = 0; i < 20; i++) await call("POST", `${leasePath}/${(await call("POST", leasePath, { engine: "pg", role: "readonly", ttl: "1h" }, 201)).lease_id}/revoke`);

    const ids: string[] = [];
    const create = await timed(LEASES, CONCURRENCY, async () => {
      ids.push((await call("POST", leasePath, { engine: "pg", role: "readonly", ttl: "1h" }, 201)).lease_id);
    });
    const revoke = await timed(ids.length, CONCURRENCY, async (i) => {
      await call("POST", `${leasePath}/${ids[i]}/revoke`);
    });

    // Expiry: every lease's expires_at falls in one minute that starts after they are all created.
    const createRate = LEASES / create.seconds;
    const windowStart = Date.now() + Math.ceil((EXPIRING / createRate) * 1.5 + 10) * 1000;
    const expiring: { id: string; expiresAt: number }[] = [];
    await timed(EXPIRING, CONCURRENCY, async (i) => {
      const target = windowStart + Math.floor((i * 60_000) / EXPIRING);
      const ttl = Math.max(1, Math.round((target - Date.now()) / 1000));
      const l = await call("POST", leasePath, { engine: "pg", role: "readonly", ttl }, 201);
      expiring.push({ id: l.lease_id, expiresAt: Date.parse(l.expires_at) });
    });
    const lastExpiry = Math.max(...expiring.map((l) => l.expiresAt));
    const firstExpiry = Math.min(...expiring.map((l) => l.expiresAt));
    process.stderr.write(`waiting for ${EXPIRING} leases to expire between ${new Date(firstExpiry).toISOString()} and ${new Date(lastExpiry).toISOString()}…\n`);
    for (;;) {
      const active = await call("GET", `${leasePath}?state=active&limit=1`);
      if (active.items.length === 0) break;
      if (Date.now() > lastExpiry + 120_000) throw new Error("leases still active two minutes after the last expiry");
      await new Promise((r) => setTimeout(r, 1000));
    }
    const revokedAt = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const page: { items: { resource: string; time: string; outcome: string }[]; next_cursor: string | null } = await call(
        "GET",
        `/api/v1/audit?action=lease.expire&realm=${REALM}&outcome=success&limit=500${cursor ? `&cursor=${cursor}` : ""}`,
      );
      for (const r of page.items) revokedAt.set(r.resource.slice("lease:".length), Date.parse(r.time));
      cursor = page.next_cursor;
    } while (cursor);
    const lags = expiring.map((l) => (revokedAt.get(l.id) ?? NaN) - l.expiresAt).filter((v) => !Number.isNaN(v));

    const line = (label: string, n: number, t: { latencies: number[]; seconds: number }) =>
      `${label}: ${n} in ${t.seconds.toFixed(1)} s = ${(n / t.seconds).toFixed(0)}/s, p50 ${ms(percentile(t.latencies, 50))}, p99 ${ms(percentile(t.latencies, 99))}`;
    console.log(`leases benchmark (store ${STORE}, concurrency ${CONCURRENCY}, PostgreSQL ${cluster.bin.split("/")[4]} on 127.0.0.1:${cluster.port})`);
    console.log(line("create", LEASES, create));
    console.log(line("revoke", ids.length, revoke));
    console.log(
      `reaper lag at expiry (${lags.length}/${EXPIRING} leases expiring within one minute): p50 ${ms(percentile(lags, 50))}, p99 ${ms(percentile(lags, 99))}, max ${ms(Math.max(...lags))}`,
    );
  } finally {
    await server?.cleanup();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
