/**
 * STS benchmark, in process against a real SQLite store: token exchanges per second (an
 * IdP's RS256 ID token or an Arcan API token as the subject, an agent credential, an
 * ES256 workload token), sequential and 16 at a time, and verifications of the issued
 * token per second (what /authorize and the gateway pay per request).
 *
 *   npm run bench:sts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import pino from "pino";
import { loadConfig } from "../server/config/config";
import { LocalKeyFileKms } from "../server/crypto/kms";
import { createMetrics } from "../server/observability/metrics";
import { SYSTEM_PRINCIPAL } from "../server/rbac/principal";
import { createServices } from "../server/services";
import { openStore } from "../server/store/client";
import { AGENT_CREDENTIAL, GRANT, ID_TOKEN, ACCESS_TOKEN, JWT_TYPE } from "../test/agents/identity";

async function timeIt(label: string, iterations: number, concurrency: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < iterations) {
        const t0 = process.hrtime.bigint();
        await fn();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    }),
  );
  const ns = Number(process.hrtime.bigint() - started);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(0);
  return { case: label, concurrency, iterations, ops_per_s: Math.round((iterations * 1e9) / ns), p50_us: pct(0.5), p99_us: pct(0.99) };
}

const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-sts-"));
const config = loadConfig({ ...process.env, ARCAN_DATA_DIR: dataDir, ARCAN_STS_ISSUER: "https://arcan.bench:8443" }, dataDir);
const store = await openStore({ dataDir });
const kms = LocalKeyFileKms.inDataDir(dataDir);
kms.load();
const services = createServices({ config, store, kms, logger: pino({ level: "silent" }), metrics: createMetrics() });
await services.roles.ensureBuiltins();
const actor = { principal: SYSTEM_PRINCIPAL, requestId: "req_bench", ip: null, via: "system" as const };

async function issuer(iss: string, alg: "RS256" | "ES256") {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid: `${alg}-1`, alg, use: "sig" };
  const sign = (sub: string) =>
    new SignJWT({ sub, roles: ["finance"] }).setProtectedHeader({ alg, kid: jwk.kid }).setIssuer(iss).setAudience("arcan").setIssuedAt().setExpirationTime("1h").sign(privateKey);
  return { jwks: { keys: [jwk] }, sign };
}
const idp = await issuer("https://idp.bench", "RS256");
const spiffe = await issuer("https://spiffe.bench", "ES256");
await services.trustedIssuers.create(actor, { name: "idp", kind: "user", issuer: "https://idp.bench", audience: "arcan", jwks: idp.jwks as never });
await services.trustedIssuers.create(actor, { name: "spiffe", kind: "workload", issuer: "https://spiffe.bench", audience: "arcan", jwks: spiffe.jwks as never, network: "corp-vpn" });
const agent = await services.agents.create(actor, { name: "pk-93f", trust_tier: 2, allowed_scopes: ["jira.read:project/FIN-*", "confluence.write:space/FIN-OPS"] });
const { token: apiToken } = await services.tokens.create(actor, { name: "olsen", capabilities: ["secrets:read"] });
const idToken = await idp.sign("u.olsen@acme");
const workloadToken = await spiffe.sign("spiffe://bench/ns/sre/pod/sre-prod-4");

const form = (subject: Record<string, string>) => ({
  grant_type: GRANT,
  actor_token: agent.credential,
  actor_token_type: AGENT_CREDENTIAL,
  scope: "jira.read:project/FIN-OPS confluence.write:space/FIN-OPS",
  task: "reconcile-invoices-q3",
  ...subject,
});
const request = { requestId: "req_bench", ip: null };
const withIdToken = form({ subject_token: idToken, subject_token_type: ID_TOKEN, workload_token: workloadToken, workload_token_type: JWT_TYPE });
const withApiToken = form({ subject_token: apiToken, subject_token_type: ACCESS_TOKEN });
const issued = (await services.sts.exchange(withIdToken, request)).access_token;

// Distinct tokens, each verified once: the full ES256 check, not the known-good cache.
const fresh = await Promise.all(Array.from({ length: 300 }, () => services.sts.exchange(withApiToken, request).then((r) => r.access_token)));
let freshIndex = 0;

const rows = [
  await timeIt("exchange: ID token + agent + workload", 3_000, 1, () => services.sts.exchange(withIdToken, request)),
  await timeIt("exchange: ID token + agent + workload", 3_000, 16, () => services.sts.exchange(withIdToken, request)),
  await timeIt("exchange: API token + agent", 3_000, 16, () => services.sts.exchange(withApiToken, request)),
  await timeIt("verify: first sight (ES256 signature)", fresh.length - 200, 1, () => services.stsVerifier.verify(fresh[freshIndex++]!)),
  await timeIt("verify: token seen before", 20_000, 1, () => services.stsVerifier.verify(issued)),
];
console.log("\nSTS (in process, SQLite store; every exchange is audited):");
console.table(rows);
await services.auditWriter.drain();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
