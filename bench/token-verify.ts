/**
 * Token verification micro-benchmark, in process against a real SQLite store:
 * cache hit (the common case), cache miss (store lookup and principal build), and a
 * malformed value (rejected by its checksum, no lookup).
 *
 *   npm run bench   (runs this after the secret-read benchmark)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../server/config/config";
import { LocalKeyFileKms } from "../server/crypto/kms";
import { createMetrics } from "../server/observability/metrics";
import { SYSTEM_PRINCIPAL } from "../server/rbac/principal";
import { createServices } from "../server/services";
import { openStore } from "../server/store/client";

async function timeIt(label: string, iterations: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(1000, iterations); i++) await fn(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const ns = Number(process.hrtime.bigint() - started);
  return { case: label, iterations, us_per_op: +(ns / iterations / 1000).toFixed(2), ops_per_s: Math.round((iterations * 1e9) / ns) };
}

const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-tok-"));
const config = loadConfig({ ...process.env, ARCAN_DATA_DIR: dataDir }, dataDir);
const store = await openStore({ dataDir });
const kms = LocalKeyFileKms.inDataDir(dataDir);
kms.load();
const services = createServices({ config, store, kms, logger: pino({ level: "silent" }), metrics: createMetrics() });
await services.roles.ensureBuiltins();
const actor = { principal: SYSTEM_PRINCIPAL, requestId: "req_bench", ip: null, via: "system" as const };
const { token } = await services.tokens.create(actor, { name: "bench", capabilities: ["secrets:read"] });

const rows = [
  await timeIt("cache hit", 200_000, () => services.tokenAuth.authenticate(token)),
  await timeIt("cache miss (store lookup)", 5_000, () => {
    services.tokenCache.clear();
    return services.tokenAuth.authenticate(token);
  }),
  await timeIt("bad checksum (no lookup)", 200_000, () => services.tokenAuth.authenticate(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))),
];
console.log("\nToken verification (in process, SQLite store):");
console.table(rows);
console.log(`cache hit is ${(rows[1]!.us_per_op / rows[0]!.us_per_op).toFixed(1)}x cheaper than a miss`);
await services.auditWriter.drain();
await store.close();
rmSync(dataDir, { recursive: true, force: true });
