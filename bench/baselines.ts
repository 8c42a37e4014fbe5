/**
 * What the HTTPS benchmarks share: pinning (servers on core 0, this process, the load
 * generator, on core 1, when taskset is available), CPU time read from /proc, one
 * measured autocannon run after a warm-up, and the two baselines run in the same
 * benchmark: a bare node:https hello-world (hello-https.ts) and the audit floor, the same
 * hello-world answering after one durable audit record (hello-audited.ts).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { ROOT } from "../test/helpers/server";

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const hasTaskset = spawnSync("taskset", ["-c", "1", "true"]).status === 0;
if (hasTaskset) spawnSync("taskset", ["-cp", "1", String(process.pid)]);

export const PINNING = hasTaskset ? "server core 0 / load core 1" : "taskset unavailable";

/** Moves a running server (all its threads) to core 0. */
export function pinServer(pid: number | undefined): void {
  if (hasTaskset && pid) spawnSync("taskset", ["-acp", "0", String(pid)]);
}

/** CPU seconds a process has used (all threads), from /proc: steadier than req/s on a busy machine. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Measured {
  result: autocannon.Result;
  cpuUsPerRequest: number;
}

/** A short warm-up (JIT, caches, TLS sessions), then the measured run. */
export async function load(opts: autocannon.Options, pid: number): Promise<Measured> {
  await autocannon({ ...opts, connections: CONNECTIONS, duration: 2 });
  const before = cpuSeconds(pid);
  const result = await autocannon({ ...opts, connections: CONNECTIONS, duration: SECONDS });
  return { result, cpuUsPerRequest: ((cpuSeconds(pid) - before) * 1e6) / result.requests.total };
}

export function report(name: string, { result: r, cpuUsPerRequest }: Measured) {
  return { name, rps: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, cpu_us_per_req: Math.round(cpuUsPerRequest), errors: r.errors, non2xx: r.non2xx };
}

export function ratio(run: Measured, base: Measured): string {
  return (run.result.requests.average / base.result.requests.average).toFixed(3);
}

/** The same ratio by server CPU per request: less sensitive to other load on the machine. */
export function cpuRatio(run: Measured, base: Measured): string {
  return (base.cpuUsPerRequest / run.cpuUsPerRequest).toFixed(3);
}

function startHello(script: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const cmd = [process.execPath, "--import", "tsx", path.join(ROOT, "bench", script), ...args];
  const [file, ...rest] = hasTaskset ? ["taskset", "-c", "0", ...cmd] : cmd;
  const child = spawn(file!, rest, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => child.stdout!.on("data", (d: Buffer) => resolve({ child, port: Number(/listening on (\d+)/.exec(d.toString())![1]) })));
}

/** Both baselines, one after the other, with the certificate Arcan made in `dataDir`; the floor's record shaped like a secret read's or a decision's. */
export async function measureBaselines(dataDir: string, record: "secret" | "decision"): Promise<{ bare: Measured; floor: Measured }> {
  const tls = [path.join(dataDir, "tls.crt"), path.join(dataDir, "tls.key")];
  const hello = await startHello("hello-https.ts", tls);
  const bare = await load({ url: `https://127.0.0.1:${hello.port}/` }, hello.child.pid!);
  hello.child.kill("SIGTERM");
  const floorDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-floor-"));
  const audited = await startHello("hello-audited.ts", [...tls, floorDir, record]);
  const floor = await load({ url: `https://127.0.0.1:${audited.port}/` }, audited.child.pid!);
  audited.child.kill("SIGTERM");
  await new Promise((r) => audited.child.once("exit", r));
  rmSync(floorDir, { recursive: true, force: true });
  return { bare, floor };
}

export const BARE_ROW = "bare node:https hello-world";
export const FLOOR_ROW = "bare + one durable audit record (audit floor)";
