/**
 * Agent-authorization decisions: in-process Cedar decision latency (p50/p99) with a 20-rule
 * and a 500-rule policy set (and a decision-cache hit), then POST /api/v1/authorize through
 * the whole stack (TLS, auth, rate limit, Cedar, decision log, durable audit), once with one
 * request repeated and once with every resource distinct, against a bare node:https
 * hello-world in the same run. Servers on core 0, this process (load generator) on core 1
 * when taskset is available, as in bench/secret-read.ts.
 *
 *   npm run bench:authorize   (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 BENCH_DECISIONS=20000)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { PolicyEngine, type EvaluationRequest } from "../server/policies/engine";
import { ROOT, spawnArcan, httpsJson } from "../test/helpers/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 20_000);
const hasTaskset = spawnSync("taskset", ["-c", "1", "true"]).status === 0;
if (hasTaskset) spawnSync("taskset", ["-cp", "1", String(process.pid)]);

/** `count` rules shaped like real ones: per-project permits, a few forbids, one review lane; the seed's rule last. */
function policySet(count: number): string {
  const rules: string[] = [];
  for (let i = 0; i < count - 3; i++) {
    rules.push(
      i % 10 === 9
        ? `@id("forbid.${i}")\nforbid(principal, action == Arcan::Action::"svc${i}.delete", resource) when { resource.type == "project" };`
        : `@id("team${i}.allow")\npermit(principal, action == Arcan::Action::"svc${i}.read", resource)\nwhen { principal.user.roles.contains("team${i}") && resource.type == "project" && resource.id like "T${i}-*" };`,
    );
  }
  rules.push(`@id("escalate.review")\n@lane("review")\npermit(principal, action == Arcan::Action::"jira.escalate", resource) when { principal.agent.trust_tier >= 2 };`);
  rules.push(`@id("night.forbid")\nforbid(principal, action, resource) when { context has after_hours && context.after_hours == true };`);
  rules.push(`@id("jira_finance.allow")\npermit(principal, action == Arcan::Action::"jira.read", resource)\nwhen { principal.user.roles.contains("finance") && resource.type == "project" && resource.id like "FIN-*" };`);
  return rules.join("\n\n");
}

const PRINCIPAL = {
  user: { id: "u.olsen", email: "u.olsen@example.com", roles: ["finance"], groups: ["emea"] },
  agent: { id: "pk-93f", name: "invoice-reconciler", trust_tier: 2 },
  workload: { sub: "spiffe://corp/ns/sre/pod.sre-prod-4", issuer: "https://spire.corp", attested: true, network: "corp-vpn" },
};
const REQUEST: EvaluationRequest = {
  principal: PRINCIPAL,
  action: "jira.read",
  resource: { type: "project", id: "FIN-OPS", attributes: { owner: "finance" } },
  context: { task: "reconcile-invoices-q3", scopes: ["jira.read:project/FIN-*"], network: "corp-vpn" },
};

/** `cacheSize: 0` measures Cedar itself; the default engine answers a repeated request from its decision cache. */
function inProcess(rules: number, cacheSize = 0) {
  const engine = new PolicyEngine({ cacheSize });
  const source = policySet(rules);
  const id = `bench-${rules}`;
  const first = engine.evaluate(id, source, REQUEST);
  if (first.lane !== "allow" || first.policyId !== "jira_finance.allow") throw new Error(`unexpected decision ${JSON.stringify(first)}`);
  for (let i = 0; i < 2000; i++) engine.evaluate(id, source, REQUEST);
  const samples = new Float64Array(DECISIONS);
  for (let i = 0; i < DECISIONS; i++) {
    const t = process.hrtime.bigint();
    engine.evaluate(id, source, REQUEST);
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  samples.sort();
  const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 10) / 10;
  return { rules, cache: cacheSize > 0 ? "repeated request (hit)" : "off (Cedar each time)", decisions: DECISIONS, p50_us: at(0.5), p99_us: at(0.99), max_us: at(1) };
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(opts: autocannon.Options, pid: number) {
  await autocannon({ ...opts, connections: CONNECTIONS, duration: 2 });
  const before = cpuSeconds(pid);
  const result = await autocannon({ ...opts, connections: CONNECTIONS, duration: SECONDS });
  return { result, cpuUsPerRequest: ((cpuSeconds(pid) - before) * 1e6) / result.requests.total };
}

function report(name: string, { result: r, cpuUsPerRequest }: Awaited<ReturnType<typeof load>>) {
  return { name, rps: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, cpu_us_per_req: Math.round(cpuUsPerRequest), errors: r.errors, non2xx: r.non2xx };
}

function startBaseline(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const args = [process.execPath, "--import", "tsx", path.join(ROOT, "bench/hello-https.ts"), path.join(dataDir, "tls.crt"), path.join(dataDir, "tls.key")];
  const [cmd, ...rest] = hasTaskset ? ["taskset", "-c", "0", ...args] : args;
  const child = spawn(cmd!, rest, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => child.stdout!.on("data", (d: Buffer) => resolve({ child, port: Number(/listening on (\d+)/.exec(d.toString())![1]) })));
}

async function main() {
  console.log(`\nIn-process Cedar decisions (preparsed policy set, ${DECISIONS} decisions each):`);
  console.table([inProcess(20), inProcess(500), inProcess(20, 10_000)]);

  if (!existsSync(path.join(ROOT, "dist/server/main.mjs"))) throw new Error("run `npm run build:server` (or `npm run build`) first: the REST part measures the production bundle");
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-"));
  const bootstrap = "bench-admin-token-0123456789abcdefghijklmnop";
  const arcan = await spawnArcan({ ARCAN_DATA_DIR: dataDir, ARCAN_BOOTSTRAP_TOKEN: bootstrap, ARCAN_LOG_LEVEL: "warn", ARCAN_CONSOLE_ENABLED: "false" }, { production: true, nodeArgs: process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [] });
  if (hasTaskset && arcan.child.pid) spawnSync("taskset", ["-acp", "0", String(arcan.child.pid)]);
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  const call = (method: string, p: string, body?: unknown, token = bootstrap) => httpsJson(arcan.port, ca, method, p, { token, body });
  const version = await call("POST", "/api/v1/policies", { source: policySet(20), description: "bench" });
  await call("POST", `/api/v1/policies/${(version.body as { id: string }).id}/activate`, { mode: "enforce" });
  const created = await call("POST", "/api/v1/auth/tokens", { name: "bench-pep", capabilities: ["decisions:evaluate"], rate_limit: 1_000_000 });
  const token = (created.body as { token: string }).token;
  const body = JSON.stringify({ principal: PRINCIPAL, action: "jira.read", resource: { type: "project", id: "FIN-OPS" }, context: { task: "reconcile-invoices-q3" } });
  const check = await call("POST", "/api/v1/authorize", JSON.parse(body), token);
  if ((check.body as { decision: string }).decision !== "allow") throw new Error(`unexpected answer ${check.text}`);

  const baseline = await startBaseline(dataDir);
  const base = await load({ url: `https://127.0.0.1:${baseline.port}/` }, baseline.child.pid!);
  baseline.child.kill("SIGTERM");
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const run = await load({ url: `https://127.0.0.1:${arcan.port}/api/v1/authorize`, method: "POST", body, headers }, arcan.child.pid!);
  // Every request names another resource, so none is answered from the decision cache.
  let n = 0;
  const distinct = (): string => JSON.stringify({ ...JSON.parse(body), resource: { type: "project", id: `FIN-${n++}` } });
  const varied = await load({ url: `https://127.0.0.1:${arcan.port}/api/v1/authorize`, requests: [{ method: "POST", headers, setupRequest: (req) => ({ ...req, body: distinct() }) }] }, arcan.child.pid!);
  arcan.child.kill("SIGTERM");
  await new Promise((r) => arcan.child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });

  console.log(`\nPOST /api/v1/authorize: ${CONNECTIONS} connections, ${SECONDS} s, 20-rule set, taskset ${hasTaskset ? "server core 0 / load core 1" : "unavailable"}`);
  console.table([
    report("bare node:https hello-world", base),
    report("arcan POST /api/v1/authorize, one request repeated (decision cache hits)", run),
    report("arcan POST /api/v1/authorize, every resource distinct (Cedar each time)", varied),
  ]);
  for (const [name, r] of [["repeated", run], ["distinct", varied]] as const) {
    console.log(`${name}: ratio arcan/bare requests/s = ${(r.result.requests.average / base.result.requests.average).toFixed(3)} (target >= 0.2, aim 0.3); p99 ${r.result.latency.p99} ms (target <= 5 ms); ratio by server CPU per request (bare/arcan) = ${(base.cpuUsPerRequest / r.cpuUsPerRequest).toFixed(3)}`);
    if (r.result.non2xx > 0 || r.result.errors > 0) console.log(`WARNING: the ${name} run had errors or non-2xx answers`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
