/**
 * The gateway: requests/s and latency through `/gateway/<route>/…` (TLS, STS token verify,
 * rate limit, decision with Cedar and its log and audit, credential read and injection,
 * undici to the upstream, the gateway's own audit record) against the same node:http
 * upstream called directly, in the same run; a bare node:https hello-world shows what TLS
 * alone costs. Throughput at BENCH_CONNECTIONS, then the added latency with one connection
 * (one request at a time). Arcan and the upstream on core 0, this load generator on core 1
 * when taskset is available.
 *
 *   npm run bench:gateway   (BENCH_SECONDS=10 BENCH_CONNECTIONS=32; the production bundle when built, else the sources)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Pool } from "undici";
import { ROOT, spawnArcan, httpsJson } from "../test/helpers/server";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const hasTaskset = spawnSync("taskset", ["-c", "1", "true"]).status === 0;
if (hasTaskset) spawnSync("taskset", ["-cp", "1", String(process.pid)]);

const POLICY = `@id("billing.read.allow")\npermit(principal, action == Arcan::Action::"billing.get", resource);`;

function spawnHello(script: string, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const cmdline = [process.execPath, "--import", "tsx", path.join(ROOT, "bench", script), ...args];
  const [cmd, ...rest] = hasTaskset ? ["taskset", "-c", "0", ...cmdline] : cmdline;
  const child = spawn(cmd!, rest, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => child.stdout!.on("data", (d: Buffer) => resolve({ child, port: Number(/listening on (\d+)/.exec(d.toString())![1]) })));
}

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 3000);

interface Latency {
  p50_ms: number;
  p99_ms: number;
}

/** p50/p99 of requests sent one after another on one kept-alive connection (after a warm-up). */
async function oneAtATime(pool: Pool, p: string, headers: Record<string, string>, body?: string): Promise<Latency> {
  const samples = new Float64Array(SEQUENTIAL);
  for (let i = -200; i < SEQUENTIAL; i++) {
    const t = process.hrtime.bigint();
    const r = await pool.request({ path: p, method: body ? "POST" : "GET", headers, ...(body ? { body } : {}) });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(`${p}: ${r.statusCode}`);
    if (i >= 0) samples[i] = Number(process.hrtime.bigint() - t) / 1e6;
  }
  await pool.close();
  samples.sort();
  const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 1000) / 1000;
  return { p50_ms: at(0.5), p99_ms: at(0.99) };
}

async function load(opts: autocannon.Options, connections: number) {
  await autocannon({ ...opts, connections, duration: 2 });
  return autocannon({ ...opts, connections, duration: SECONDS });
}

const row = (name: string, r: autocannon.Result) => ({ name, rps: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx });

async function main() {
  const production = existsSync(path.join(ROOT, "dist/server/main.mjs"));
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-gw-"));
  const bootstrap = "bench-admin-token-0123456789abcdefghijklmnop";
  const arcan = await spawnArcan(
    { ARCAN_DATA_DIR: dataDir, ARCAN_BOOTSTRAP_TOKEN: bootstrap, ARCAN_LOG_LEVEL: "warn", ARCAN_GATEWAY_ALLOW_PRIVATE_NETWORKS: "true", ARCAN_RATE_LIMIT_PER_TOKEN: "10000000", ARCAN_RATE_LIMIT_PER_IP: "10000000" },
    { production },
  );
  if (hasTaskset && arcan.child.pid) spawnSync("taskset", ["-acp", "0", String(arcan.child.pid)]);
  const upstream = await spawnHello("hello-https.ts");
  const ca = readFileSync(path.join(dataDir, "tls.crt"));
  const call = async (method: string, p: string, opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; token?: string | null } = {}) => {
    const r = await httpsJson(arcan.port, ca, method, p, { token: bootstrap, ...opts });
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
    return r.body as Record<string, string>;
  };
  await call("POST", "/api/v1/realms", { body: { name: "bench" } });
  await call("PUT", "/api/v1/realms/bench/secrets/BILLING_API_KEY", { body: { value: "bench-billing-key" } });
  const policy = await call("POST", "/api/v1/policies", { body: { source: POLICY, description: "bench" } });
  await call("POST", `/api/v1/policies/${policy.id}/activate`, { body: { mode: "enforce" } });
  const agent = await call("POST", "/api/v1/agents", { body: { name: "bench-agent", trust_tier: 2, allowed_scopes: ["billing.get:endpoint/*"] } });
  await call("POST", "/api/v1/gateway/routes", {
    body: { name: "billing", upstream: `http://127.0.0.1:${upstream.port}`, action: "billing.{method}", resource: { type: "endpoint", id: "{path}" }, inject: { header: "Authorization", format: "Bearer {{value}}", secret: { realm: "bench", key: "BILLING_API_KEY" } } },
  });
  const form = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: bootstrap,
    subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    actor_token: agent.credential!,
    actor_token_type: "urn:arcan:params:oauth:token-type:agent_credential",
    scope: "billing.get:endpoint/*",
    task: "benchmark the gateway",
    requested_ttl: "3600",
  });
  const issued = await call("POST", "/api/v1/sts/token", { token: null, rawBody: form.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  const sts = issued.access_token!;
  const check = await httpsJson(arcan.port, ca, "GET", "/gateway/billing/invoices/42", { token: sts });
  if (check.status !== 200) throw new Error(`the gateway answered ${check.status}: ${check.text}`);

  const tlsBaseline = await spawnHello("hello-https.ts", [path.join(dataDir, "tls.crt"), path.join(dataDir, "tls.key")]);
  const direct = `http://127.0.0.1:${upstream.port}/invoices/42`;
  const viaGateway: autocannon.Options = { url: `https://127.0.0.1:${arcan.port}/gateway/billing/invoices/42`, headers: { authorization: `Bearer ${sts}` } };
  const results: { name: string; r: autocannon.Result }[] = [];
  results.push({ name: "upstream direct (http)", r: await load({ url: direct }, CONNECTIONS) });
  results.push({ name: "bare node:https hello-world", r: await load({ url: `https://127.0.0.1:${tlsBaseline.port}/` }, CONNECTIONS) });
  results.push({ name: "via /gateway/billing (https)", r: await load(viaGateway, CONNECTIONS) });
  const sequential = [
    { name: "upstream direct (http)", ...(await oneAtATime(new Pool(`http://127.0.0.1:${upstream.port}`), "/invoices/42", {})) },
    { name: "bare node:https hello-world", ...(await oneAtATime(new Pool(`https://127.0.0.1:${tlsBaseline.port}`, { connect: { ca, servername: "localhost" } }), "/", {})) },
    { name: "via /gateway/billing (https)", ...(await oneAtATime(new Pool(`https://127.0.0.1:${arcan.port}`, { connect: { ca, servername: "localhost" } }), "/gateway/billing/invoices/42", { authorization: `Bearer ${sts}` })) },
    {
      name: "POST /api/v1/authorize alone (same token)",
      ...(await oneAtATime(new Pool(`https://127.0.0.1:${arcan.port}`, { connect: { ca, servername: "localhost" } }), "/api/v1/authorize", { authorization: `Bearer ${bootstrap}`, "content-type": "application/json" }, JSON.stringify({ token: sts, action: "billing.get", resource: { type: "endpoint", id: "invoices/42" } }))),
    },
  ];
  for (const child of [tlsBaseline.child, upstream.child, arcan.child]) child.kill("SIGTERM");
  await new Promise((r) => arcan.child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });

  console.log(`\nGateway: ${SECONDS} s per run, ${production ? "production bundle" : "TypeScript sources (run npm run build:server for the bundle)"}, taskset ${hasTaskset ? "servers core 0 / load core 1" : "unavailable"}; the machine is shared, so compare rows of this run only`);
  console.log(`\nThroughput, ${CONNECTIONS} connections:`);
  console.table(results.map(({ name, r }) => row(name, r)));
  const [directN, tlsN, gatewayN] = results.map((x) => x.r) as autocannon.Result[];
  console.log(`gateway/direct requests/s = ${(gatewayN!.requests.average / directN!.requests.average).toFixed(3)}, gateway/bare-https = ${(gatewayN!.requests.average / tlsN!.requests.average).toFixed(3)}`);
  console.log(`\nLatency, one request at a time (${SEQUENTIAL} requests each, kept-alive connection):`);
  console.table(sequential);
  const [d, t, g, a] = sequential as Latency[] as [Latency, Latency, Latency, Latency];
  console.log(`added by the gateway over direct: p50 +${(g.p50_ms - d.p50_ms).toFixed(3)} ms, p99 +${(g.p99_ms - d.p99_ms).toFixed(3)} ms; over bare https (TLS alone): p50 +${(g.p50_ms - t.p50_ms).toFixed(3)} ms, p99 +${(g.p99_ms - t.p99_ms).toFixed(3)} ms`);
  console.log(`of which the decision (POST /api/v1/authorize over the same TLS, minus bare https): p50 ${(a.p50_ms - t.p50_ms).toFixed(3)} ms, p99 ${(a.p99_ms - t.p99_ms).toFixed(3)} ms`);
  if (results.some(({ r }) => r.errors > 0 || r.non2xx > 0)) console.log("WARNING: a run had errors or non-2xx answers");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
