/**
 * Authenticated secret reads per second through the whole stack (TLS, auth, rate limit,
 * policy, ResolveRealm, store, decryption, durable audit) against a bare node:https
 * hello-world measured in the same run. The servers run on core 0 and the load
 * generator (autocannon, this process) on core 1 when taskset is available.
 *
 *   npm run bench            (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 by default)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { ROOT, spawnArcan, httpsJson } from "../test/helpers/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const hasTaskset = spawnSync("taskset", ["-c", "1", "true"]).status === 0;

function pin(core: number, cmd: string[]): string[] {
  return hasTaskset ? ["taskset", "-c", String(core), ...cmd] : cmd;
}

if (hasTaskset) spawnSync("taskset", ["-cp", "1", String(process.pid)]);

/** CPU seconds a process has used (all threads), from /proc: steadier than req/s on a busy machine. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(url: string, headers: Record<string, string>, pid: number): Promise<{ result: autocannon.Result; cpuUsPerRequest: number }> {
  // A short warm-up lets JIT, caches and TLS sessions settle before measuring.
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers });
  const before = cpuSeconds(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return { result, cpuUsPerRequest: ((cpuSeconds(pid) - before) * 1e6) / result.requests.total };
}

function startBaseline(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const [cmd, ...args] = pin(0, [process.execPath, "--import", "tsx", path.join(ROOT, "bench/hello-https.ts"), path.join(dataDir, "tls.crt"), path.join(dataDir, "tls.key")]);
  const child = spawn(cmd!, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => child.stdout!.on("data", (d: Buffer) => resolve({ child, port: Number(/listening on (\d+)/.exec(d.toString())![1]) })));
}

function report(name: string, { result: r, cpuUsPerRequest }: Awaited<ReturnType<typeof load>>) {
  return { name, rps: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, cpu_us_per_req: Math.round(cpuUsPerRequest), errors: r.errors, non2xx: r.non2xx };
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-"));
  const bootstrap = "bench-admin-token-0123456789abcdefghijklmnop";
  if (!existsSync(path.join(ROOT, "dist/server/main.mjs"))) throw new Error("run `npm run build` first: the benchmark measures the production bundle");
  // BENCH_CPU_PROF=<dir>: the Arcan process writes V8 CPU profiles there (summarise with bench/profile-summary.ts).
  const nodeArgs = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const arcan = await spawnArcan({ ARCAN_DATA_DIR: dataDir, ARCAN_BOOTSTRAP_TOKEN: bootstrap, ARCAN_LOG_LEVEL: "warn" }, { production: true, nodeArgs });
  // The whole Arcan process (all its threads) goes to core 0.
  if (hasTaskset && arcan.child.pid) spawnSync("taskset", ["-acp", "0", String(arcan.child.pid)]);
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  const call = (method: string, p: string, body?: unknown, token = bootstrap) => httpsJson(arcan.port, ca, method, p, { token, body });
  await call("POST", "/api/v1/realms", { name: "bench" });
  await call("PUT", "/api/v1/realms/bench/secrets/DATABASE_URL", { value: "postgres://app:s3cret@db.internal:5432/app" });
  const created = await call("POST", "/api/v1/auth/tokens", { name: "bench-reader", capabilities: ["secrets:read"], realms: ["bench"], rate_limit: 1_000_000 });
  const token = (created.body as { token: string }).token;

  const baseline = await startBaseline(dataDir);
  const base = await load(`https://127.0.0.1:${baseline.port}/`, {}, baseline.child.pid!);
  baseline.child.kill("SIGTERM");

  const arcanRun = await load(`https://127.0.0.1:${arcan.port}/api/v1/realms/bench/secrets/DATABASE_URL`, { authorization: `Bearer ${token}` }, arcan.child.pid!);
  const audit = await call("GET", "/api/v1/audit?action=secret.read&limit=1");
  arcan.child.kill("SIGTERM");
  await new Promise((r) => arcan.child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });

  const rows = [report("bare node:https hello-world", base), report("arcan GET secret (auth+policy+decrypt+audit)", arcanRun)];
  console.log(`\nSecret-read benchmark: ${CONNECTIONS} connections, ${SECONDS} s, taskset ${hasTaskset ? "server core 0 / load core 1" : "unavailable"}`);
  console.table(rows);
  const ratio = arcanRun.result.requests.average / base.result.requests.average;
  console.log(`ratio arcan/bare requests/s = ${ratio.toFixed(3)} (target >= 0.50)`);
  console.log(`ratio by server CPU per request (bare/arcan) = ${(base.cpuUsPerRequest / arcanRun.cpuUsPerRequest).toFixed(3)} (less sensitive to other load on the machine)`);
  console.log(`audit records for secret.read present: ${(audit.body as { items: unknown[] }).items.length > 0}`);
  if (arcanRun.result.non2xx > 0 || arcanRun.result.errors > 0) console.log("WARNING: arcan run had errors or non-2xx answers");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
