/**
 * Flatness (P4): the same operations on an empty store and on one seeded with 1,000,000
 * audit records and 100,000 secrets, in process against a real SQLite store:
 *   - a secret read through the service (ResolveRealm, realm-scoped store, decryption,
 *     durable audit), 32 at a time: CPU µs per read (all threads) and reads/s;
 *   - a cache-missing token verification (store lookup and principal build), µs each;
 *   - an audit search filtered by realm and actor (the REST `GET /api/v1/audit` query),
 *     p50/p95 ms, for a common pair and for a rare pair of a busy actor.
 * Seeding writes the rows directly with SQL (a bench-only shortcut; the audit rows form a
 * valid chain so the store stays verifiable), before the store is opened.
 *
 *   npm run bench:scale   (SCALE_AUDIT=1000000 SCALE_SECRETS=100000 by default)
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../server/config/config";
import { LocalKeyFileKms } from "../server/crypto/kms";
import { createMetrics } from "../server/observability/metrics";
import { SYSTEM_PRINCIPAL } from "../server/rbac/principal";
import { createServices } from "../server/services";
import { chainHash, GENESIS_HASH } from "../server/store/audit-chain";
import { openStore, SQLITE_FILE } from "../server/store/client";

const AUDIT = Number(process.env.SCALE_AUDIT ?? 1_000_000);
const SECRETS = Number(process.env.SCALE_SECRETS ?? 100_000);
const REALM = "scale";
const RARE_ACTOR = "token:tok_busy";

type Services = ReturnType<typeof createServices>;

async function open(dataDir: string) {
  const config = loadConfig({ ...process.env, ARCAN_DATA_DIR: dataDir }, dataDir);
  const store = await openStore({ dataDir });
  const kms = LocalKeyFileKms.inDataDir(dataDir);
  kms.load();
  const services = createServices({ config, store, kms, logger: pino({ level: "silent" }), metrics: createMetrics() });
  await services.roles.ensureBuiltins();
  return { store, services };
}

const system = { principal: SYSTEM_PRINCIPAL, requestId: "req_scale", ip: null, via: "system" as const };

/** Realm, one readable secret and a reader token, through the services (as the API would). */
async function prepare(dataDir: string): Promise<string> {
  const { store, services } = await open(dataDir);
  await services.realms.create(system, { name: REALM });
  await services.secrets.put(system, REALM, "DATABASE_URL", "postgres://app:s3cret@db.internal:5432/app");
  const { token } = await services.tokens.create(system, { name: "scale-reader", capabilities: ["secrets:read", "audit:read"], realms: [REALM] });
  await services.auditWriter.drain();
  await store.close();
  return token;
}

function seed(dataDir: string): void {
  const db = new Database(path.join(dataDir, SQLITE_FILE));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const realmId = (db.prepare("SELECT id FROM Realm WHERE name = ?").get(REALM) as { id: string }).id;
  // Building the secondary indexes once after the inserts is far quicker than keeping them up row by row.
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('AuditRecord', 'Secret', 'SecretVersion') AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);
  const now = new Date().toISOString().replace("Z", "+00:00");
  const secret = db.prepare("INSERT INTO Secret (id, realmId, key, currentVersion, createdAt, updatedAt) VALUES (?, ?, ?, 1, ?, ?)");
  const version = db.prepare("INSERT INTO SecretVersion (secretId, version, ciphertext, keyVersion, createdBy, createdAt) VALUES (?, 1, 'AAAA', 1, 'seed', ?)");
  db.transaction(() => {
    for (let i = 0; i < SECRETS; i++) {
      const id = `sec_seed${String(i).padStart(24, "0")}`;
      secret.run(id, realmId, `SEED_${i}`, now, now);
      version.run(id, now);
    }
  })();

  const last = db.prepare("SELECT seq, hash FROM AuditRecord ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string } | undefined;
  let prev = last?.hash ?? GENESIS_HASH;
  let seq = last?.seq ?? 0;
  const insert = db.prepare(
    `INSERT INTO AuditRecord (seq, id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.now() - AUDIT; // one record per millisecond, ending now
  const actions = ["secret.read", "secret.write", "secret.list", "token.create", "policy.evaluate"];
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      // 10 realms x 100 actors; every 50th record is the busy actor, only every 5,000th of those in REALM.
      const busy = i % 50 === 0;
      const realm = busy ? (i % 250_000 === 0 ? REALM : `other-${i % 7}`) : i % 10 === 0 ? REALM : `other-${i % 10}`;
      const r = {
        id: `aud_${(start + i).toString(16).padStart(12, "0")}${String(i).padStart(20, "0")}`,
        time: new Date(start + i),
        requestId: `req_seed${i}`,
        actor: busy ? RARE_ACTOR : `token:tok_seed${i % 100}`,
        action: actions[i % actions.length]!,
        realm,
        resource: `secret:SEED_${i % SECRETS}`,
        outcome: "success",
        status: 200,
        capability: null,
        reason: null,
        ip: "10.0.0.1",
        details: '{"version":1}',
      };
      const hash = chainHash(prev, r);
      insert.run(++seq, r.id, r.time.toISOString().replace("Z", "+00:00"), r.requestId, r.actor, r.action, r.realm, r.resource, r.outcome, r.status, null, null, r.ip, r.details, prev, hash);
      prev = hash;
    }
  });
  for (let i = 0; i < AUDIT; i += 50_000) batch(i, Math.min(AUDIT, i + 50_000));
  for (const ix of indexes) db.exec(ix.sql);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function measure(services: Services, token: string) {
  const auth = await services.tokenAuth.authenticate(token);
  if (!auth.ok) throw new Error("reader token did not verify");
  const principal = auth.principal;
  const reader = { principal, requestId: "req_scale_read", ip: null, via: "rest" as const };
  const read = () => services.secrets.get(reader, REALM, "DATABASE_URL");
  for (let i = 0; i < 500; i++) await read();

  const READS = 4000;
  const cpu0 = cpuUs();
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next++ < READS) await read();
  }));
  const readWallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const readCpu = (cpuUs() - cpu0) / READS;

  const MISSES = 3000;
  for (let i = 0; i < 300; i++) {
    services.tokenCache.clear();
    await services.tokenAuth.authenticate(token);
  }
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < MISSES; i++) {
    services.tokenCache.clear();
    await services.tokenAuth.authenticate(token);
  }
  const missUs = Number(process.hrtime.bigint() - t1) / 1000 / MISSES;

  const search = async (actor: string) => {
    const times: number[] = [];
    for (let i = 0; i < 120; i++) {
      const t = process.hrtime.bigint();
      await services.audit.search(system, { realm: REALM, actor, limit: 50 } as Parameters<Services["audit"]["search"]>[1]);
      if (i >= 20) times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]! };
  };
  return { readCpu, readsPerS: READS / readWallS, missUs, common: await search(principal.subject), rare: await search(RARE_ACTOR) };
}

async function scenario(seeded: boolean) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-scale-"));
  try {
    const token = await prepare(dataDir);
    const seedStart = Date.now();
    if (seeded) seed(dataDir);
    const seedS = (Date.now() - seedStart) / 1000;
    const { store, services } = await open(dataDir);
    const m = await measure(services, token);
    await services.auditWriter.drain();
    const records = (await store.db.auditRecord.count());
    await store.close();
    return { ...m, records, seedS };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const empty = await scenario(false);
const full = await scenario(true);
const f = (n: number, d = 1) => +n.toFixed(d);
console.log(`\nFlatness: empty store vs ${AUDIT.toLocaleString()} audit records + ${SECRETS.toLocaleString()} secrets (SQLite, in process; seeded in ${f(full.seedS)} s)`);
console.table([
  { figure: "audit records in store", empty: empty.records, seeded: full.records, ratio: "", target: "" },
  { figure: "secret read, CPU µs/read (32 concurrent)", empty: f(empty.readCpu), seeded: f(full.readCpu), ratio: f(full.readCpu / empty.readCpu, 2), target: "<= 1.5" },
  { figure: "secret reads/s (32 concurrent)", empty: f(empty.readsPerS, 0), seeded: f(full.readsPerS, 0), ratio: f(empty.readsPerS / full.readsPerS, 2), target: "<= 1.5" },
  { figure: "token verify, cache miss, µs", empty: f(empty.missUs), seeded: f(full.missUs), ratio: f(full.missUs / empty.missUs, 2), target: "<= 1.5" },
  { figure: "audit search realm+actor p50 ms", empty: f(empty.common.p50, 2), seeded: f(full.common.p50, 2), ratio: "", target: "" },
  { figure: "audit search realm+actor p95 ms", empty: f(empty.common.p95, 2), seeded: f(full.common.p95, 2), ratio: "", target: "<= 100 ms" },
  { figure: "audit search realm+busy actor (rare pair) p95 ms", empty: f(empty.rare.p95, 2), seeded: f(full.rare.p95, 2), ratio: "", target: "<= 100 ms" },
]);
