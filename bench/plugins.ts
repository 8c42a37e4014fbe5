/**
 * npm run bench:plugins — the plugin runtime's costs:
 *  - call overhead: µs per call of a plugin export that makes one host call (ctx.storage.get)
 *  - cold load: ms to verify a package and load it into a new Wasm instance
 *  - creates/s through the mariadb plugin driver (CREATE USER + DROP USER against the
 *    local MariaDB at 127.0.0.1:3306, BENCH_CONCURRENCY in parallel)
 *
 *   BENCH_CALLS=500 BENCH_LOADS=10 BENCH_CREATES=100 BENCH_CONCURRENCY=4
 */
import { LocalBus } from "../server/cluster/bus";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pino from "pino";
import { AuditWriter } from "../server/audit/writer";
import { loadConfig } from "../server/config/config";
import { EngineTypes, type EngineMount } from "../server/engines/driver";
import { Outbox } from "../server/events/outbox";
import { newId } from "../server/ids";
import { createPlugins } from "../server/plugins";
import { publicKeyBase64, readPrivateKey, signDirectory, signPackage } from "../server/plugins/authoring";
import { RealmDirectory } from "../server/access/realm-directory";
import { openStore } from "../server/store/client";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CALLS = env("BENCH_CALLS", 500);
const LOADS = env("BENCH_LOADS", 10);
const CREATES = env("BENCH_CREATES", 100);
const CONCURRENCY = env("BENCH_CONCURRENCY", 4);
const ROOT = path.resolve(import.meta.dirname, "..");
const key = readPrivateKey(path.join(ROOT, "plugins/dev-keys/DEVELOPMENT-ONLY-NOT-FOR-PRODUCTION.ed25519.pem"));

const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-plugins-"));
const store = await openStore({ dataDir });
const logger = pino({ level: "silent" });
const audit = new AuditWriter(store, logger);
const config = loadConfig({ ARCAN_DATA_DIR: dataDir, ARCAN_PLUGINS_TRUSTED_KEYS: publicKeyBase64(key) }, dataDir);
await store.db.realm.create({ data: { id: newId("rlm"), name: "bench" } });
const realm = (await new RealmDirectory({ db: store.db }).byName("bench"))!;
const plugins = createPlugins({ db: store.db, config: config.plugins, access: null as never, audit, outbox: new Outbox(store.db), engineTypes: new EngineTypes(), logger, bus: new LocalBus(logger) });
const mount = (type: string, cfg: Record<string, unknown>): EngineMount => ({ id: `eng_${randomBytes(8).toString("hex")}`, realm, name: type, type, config: cfg });

// 1. Call overhead with one host call.
const probe = signPackage(
  { schema: 1, name: "probe", version: "1.0.0", engine_type: "probe", arcan: ">=0.1", entry: "plugin.js", host_functions: ["storage"], limits: {} },
  { "plugin.js": Buffer.from(`export async function create(ctx) { const v = await ctx.storage.get("k"); return { credentials: { v: String(v) } }; }\nexport async function revoke() {}\n`) },
  key,
);
const probeDriver = plugins.runtime.activate(await plugins.runtime.load(probe.envelope, probe.files));
const probeMount = mount("probe", {});
const request = () => ({ leaseId: "lea_bench", role: { name: "r", options: {} }, ttlSeconds: 60, expiresAt: new Date(Date.now() + 60_000) });
for (let i = 0; i < 50; i++) await probeDriver.create(probeMount, request());
let started = performance.now();
const cpuBefore = process.cpuUsage();
for (let i = 0; i < CALLS; i++) await probeDriver.create(probeMount, request());
const perCallUs = ((performance.now() - started) * 1000) / CALLS;
// CPU time is less distorted than wall time on a shared machine.
const cpu = process.cpuUsage(cpuBefore);
const cpuPerCallUs = (cpu.user + cpu.system) / CALLS;

// 2. Cold load: verify + new Wasm instance + evaluate the module.
const mariadb = signDirectory(path.join(ROOT, "plugins/mariadb"), key);
const loads: number[] = [];
for (let i = 0; i < LOADS; i++) {
  started = performance.now();
  await plugins.runtime.load(mariadb.envelope, mariadb.files);
  loads.push(performance.now() - started);
}
loads.sort((a, b) => a - b);

// 3. Creates/s through the mariadb plugin (each lease also revoked, outside the timing).
const admin = await mysql.createConnection("mysql://root@127.0.0.1:3306/");
const rootUser = `arcan_bench_${randomBytes(4).toString("hex")}`;
const rootPassword = randomBytes(16).toString("hex");
await admin.query("CREATE USER ?@'%' IDENTIFIED BY ?", [rootUser, rootPassword]);
await admin.query("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", [rootUser]);
const mariaDriver = plugins.runtime.activate(await plugins.runtime.load(mariadb.envelope, mariadb.files));
const mariaMount = mount("mariadb", { connection_url: "mysql://{{username}}:{{password}}@127.0.0.1:3306/", username: rootUser, password: rootPassword, max_open_connections: CONCURRENCY });
const internals: Record<string, unknown>[] = [];
let next = 0;
started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < CREATES) internals.push((await mariaDriver.create(mariaMount, request())).internal);
  }),
);
const createsPerSecond = CREATES / ((performance.now() - started) / 1000);
for (const internal of internals) await mariaDriver.revoke(mariaMount, internal);
await admin.query("DROP USER ?@'%'", [rootUser]);
await admin.end();
await plugins.connections.closeAll();
await audit.drain();
await store.close();
rmSync(dataDir, { recursive: true, force: true });

process.stdout.write(
  [
    `call with one host call: ${perCallUs.toFixed(0)} µs per call wall, ${cpuPerCallUs.toFixed(0)} µs CPU (${CALLS} calls, fresh runtime each)`,
    `cold load (verify + Wasm instance + module): p50 ${loads[Math.floor(loads.length / 2)]!.toFixed(1)} ms, max ${loads[loads.length - 1]!.toFixed(1)} ms (${LOADS} loads)`,
    `mariadb creates: ${createsPerSecond.toFixed(0)}/s (${CREATES} CREATE USER leases, concurrency ${CONCURRENCY})`,
  ].join("\n") + "\n",
);
