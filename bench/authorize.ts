/**
 * Agent-authorization decisions: in-process Cedar decision latency (p50/p99) with a 20-rule
 * and a 500-rule policy set (and a decision-cache hit), then POST /api/v1/authorize through
 * the whole stack (TLS, auth, rate limit, Cedar, decision log, durable audit), once with one
 * request repeated and once with every resource distinct, against a bare node:https
 * hello-world and the audit floor measured in the same run (bench/baselines.ts).
 *
 *   npm run bench:authorize   (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 BENCH_DECISIONS=20000)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PolicyEngine, type EvaluationRequest } from "../server/policies/engine";
import { ROOT, spawnArcan, httpsJson } from "../test/helpers/server";
import { BARE_ROW, CONNECTIONS, cpuRatio, FLOOR_ROW, load, measureBaselines, PINNING, pinServer, ratio, report, SECONDS } from "./baselines";

const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 20_000);

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

async function main() {
  console.log(`\nIn-process Cedar decisions (preparsed policy set, ${DECISIONS} decisions each):`);
  console.table([inProcess(20), inProcess(500), inProcess(20, 10_000)]);

  if (!existsSync(path.join(ROOT, "dist/server/main.mjs"))) throw new Error("run `npm run build:server` (or `npm run build`) first: the REST part measures the production bundle");
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-"));
  const bootstrap = "bench-admin-token-0123456789abcdefghijklmnop";
  const arcan = await spawnArcan({ ARCAN_DATA_DIR: dataDir, ARCAN_BOOTSTRAP_TOKEN: bootstrap, ARCAN_LOG_LEVEL: "warn", ARCAN_CONSOLE_ENABLED: "false" }, { production: true, nodeArgs: process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [] });
  pinServer(arcan.child.pid);
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  const call = (method: string, p: string, body?: unknown, token = bootstrap) => httpsJson(arcan.port, ca, method, p, { token, body });
  const version = await call("POST", "/api/v1/policies", { source: policySet(20), description: "bench" });
  await call("POST", `/api/v1/policies/${(version.body as { id: string }).id}/activate`, { mode: "enforce" });
  const created = await call("POST", "/api/v1/auth/tokens", { name: "bench-pep", capabilities: ["decisions:evaluate"], rate_limit: 1_000_000 });
  const token = (created.body as { token: string }).token;
  const body = JSON.stringify({ principal: PRINCIPAL, action: "jira.read", resource: { type: "project", id: "FIN-OPS" }, context: { task: "reconcile-invoices-q3" } });
  const check = await call("POST", "/api/v1/authorize", JSON.parse(body), token);
  if ((check.body as { decision: string }).decision !== "allow") throw new Error(`unexpected answer ${check.text}`);

  const { bare: base, floor } = await measureBaselines(dataDir, "decision");
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const run = await load({ url: `https://127.0.0.1:${arcan.port}/api/v1/authorize`, method: "POST", body, headers }, arcan.child.pid!);
  // Every request names another resource, so none is answered from the decision cache.
  let n = 0;
  const distinct = (): string => JSON.stringify({ ...JSON.parse(body), resource: { type: "project", id: `FIN-${n++}` } });
  const varied = await load({ url: `https://127.0.0.1:${arcan.port}/api/v1/authorize`, requests: [{ method: "POST", headers, setupRequest: (req) => ({ ...req, body: distinct() }) }] }, arcan.child.pid!);
  arcan.child.kill("SIGTERM");
  await new Promise((r) => arcan.child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });

  console.log(`\nPOST /api/v1/authorize: ${CONNECTIONS} connections, ${SECONDS} s, 20-rule set, ${PINNING}`);
  console.table([
    report(BARE_ROW, base),
    report(FLOOR_ROW, floor),
    report("arcan POST /api/v1/authorize, one request repeated (decision cache hits)", run),
    report("arcan POST /api/v1/authorize, every resource distinct (Cedar each time)", varied),
  ]);
  for (const [name, r] of [["repeated", run], ["distinct", varied]] as const) {
    console.log(`${name}: ratio arcan/bare requests/s = ${ratio(r, base)} (target >= 0.2, aim 0.3; the audit floor's is ${ratio(floor, base)}); p99 ${r.result.latency.p99} ms (target <= 5 ms); ratio by server CPU per request (bare/arcan) = ${cpuRatio(r, base)}`);
    if (r.result.non2xx > 0 || r.result.errors > 0) console.log(`WARNING: the ${name} run had errors or non-2xx answers`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
