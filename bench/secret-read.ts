/**
 * Authenticated secret reads per second through the whole stack (TLS, auth, rate limit,
 * policy, ResolveRealm, store, decryption, durable audit) against a bare node:https
 * hello-world and the audit floor (that hello-world answering after one durable audit
 * record), both measured in the same run (bench/baselines.ts).
 *
 *   npm run bench            (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 by default)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnArcan, httpsJson, ROOT } from "../test/helpers/server";
import { BARE_ROW, CONNECTIONS, cpuRatio, FLOOR_ROW, load, measureBaselines, PINNING, pinServer, ratio, report, SECONDS } from "./baselines";

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-"));
  const bootstrap = "bench-admin-token-0123456789abcdefghijklmnop";
  if (!existsSync(path.join(ROOT, "dist/server/main.mjs"))) throw new Error("run `npm run build` first: the benchmark measures the production bundle");
  // BENCH_CPU_PROF=<dir>: the Arcan process writes V8 CPU profiles there (summarise with bench/profile-summary.ts).
  const nodeArgs = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const arcan = await spawnArcan({ ARCAN_DATA_DIR: dataDir, ARCAN_BOOTSTRAP_TOKEN: bootstrap, ARCAN_LOG_LEVEL: "warn" }, { production: true, nodeArgs });
  pinServer(arcan.child.pid);
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  const call = (method: string, p: string, body?: unknown, token = bootstrap) => httpsJson(arcan.port, ca, method, p, { token, body });
  await call("POST", "/api/v1/realms", { name: "bench" });
  await call("PUT", "/api/v1/realms/bench/secrets/DATABASE_URL", { value: "postgres://app:s3cret@db.internal:5432/app" });
  const created = await call("POST", "/api/v1/auth/tokens", { name: "bench-reader", capabilities: ["secrets:read"], realms: ["bench"], rate_limit: 1_000_000 });
  const token = (created.body as { token: string }).token;

  const { bare: base, floor: floorRun } = await measureBaselines(dataDir, "secret");
  const arcanRun = await load({ url: `https://127.0.0.1:${arcan.port}/api/v1/realms/bench/secrets/DATABASE_URL`, headers: { authorization: `Bearer ${token}` } }, arcan.child.pid!);
  const audit = await call("GET", "/api/v1/audit?action=secret.read&limit=1");
  arcan.child.kill("SIGTERM");
  await new Promise((r) => arcan.child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });

  const rows = [
    report(BARE_ROW, base),
    report(FLOOR_ROW, floorRun),
    report("arcan GET secret (auth+policy+decrypt+audit)", arcanRun),
  ];
  console.log(`\nSecret-read benchmark: ${CONNECTIONS} connections, ${SECONDS} s, ${PINNING}`);
  console.table(rows);
  console.log(`ratio arcan/bare requests/s = ${ratio(arcanRun, base)} (target >= 0.50)`);
  console.log(`ratio floor/bare requests/s = ${ratio(floorRun, base)} (the most a request answered after its durable audit record reaches here)`);
  console.log(`ratio by server CPU per request (bare/arcan) = ${cpuRatio(arcanRun, base)} (less sensitive to other load on the machine)`);
  console.log(`audit records for secret.read present: ${(audit.body as { items: unknown[] }).items.length > 0}`);
  if (arcanRun.result.non2xx > 0 || arcanRun.result.errors > 0) console.log("WARNING: arcan run had errors or non-2xx answers");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
