/**
 * Shared by the plugin suites: signing keys, packages built from inline sources, a real
 * store with a realm, and a plugin runtime wired like the server's (real audit writer,
 * outbox, connection manager).
 */
import { LocalBus } from "../../server/cluster/bus";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import pino from "pino";
import { AuditWriter } from "../../server/audit/writer";
import { loadConfig } from "../../server/config/config";
import type { EngineMount } from "../../server/engines/driver";
import { EngineTypes } from "../../server/engines/driver";
import { Outbox } from "../../server/events/outbox";
import { newId } from "../../server/ids";
import { createPlugins } from "../../server/plugins";
import { publicKeyBase64, readPrivateKey, signPackage, type BuiltPackage } from "../../server/plugins/authoring";
import { RealmDirectory } from "../../server/access/realm-directory";
import { openStore, type Store } from "../../server/store/client";
import type { ResolvedRealm } from "../../server/store/realm-scoped";
import { ROOT } from "../helpers/server";

/** The committed development key the repository's plugins are signed with in tests. */
export const DEV_KEY = readPrivateKey(path.join(ROOT, "plugins/dev-keys/DEVELOPMENT-ONLY-NOT-FOR-PRODUCTION.ed25519.pem"));

/**
 * What a mount of the mariadb plugin needs on the local MariaDB: a database whose `items`
 * table holds one row, and a root user with every privilege. Names are unique per run.
 */
export function mariaDbFixture(prefix: string) {
  const suffix = randomBytes(4).toString("hex");
  const fixture = { db: `${prefix}_${suffix}`, rootUser: `${prefix}_root_${suffix}`, rootPassword: randomBytes(16).toString("hex") };
  let admin: mysql.Connection | null = null;
  return {
    ...fixture,
    async create(): Promise<void> {
      admin = await mysql.createConnection(process.env.ARCAN_TEST_MARIADB_URL ?? "mysql://root@127.0.0.1:3306/");
      await admin.query(`CREATE DATABASE ${fixture.db}`);
      await admin.query(`CREATE TABLE ${fixture.db}.items (id INT PRIMARY KEY, name VARCHAR(20))`);
      await admin.query(`INSERT INTO ${fixture.db}.items VALUES (1, 'one')`);
      await admin.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [fixture.rootUser, fixture.rootPassword]);
      await admin.query(`GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION`, [fixture.rootUser]);
    },
    async drop(): Promise<void> {
      if (!admin) return;
      await admin.query(`DROP DATABASE IF EXISTS ${fixture.db}`).catch(() => {});
      await admin.query(`DROP USER IF EXISTS ?@'%'`, [fixture.rootUser]).catch(() => {});
      await admin.end();
    },
  };
}

export function newSigningKey(): { privateKey: KeyObject; publicBase64: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicBase64: publicKeyBase64(privateKey) };
}

export function buildPackage(key: KeyObject, source: string, manifest: Record<string, unknown> = {}): BuiltPackage {
  return signPackage(
    { schema: 1, name: "test-plugin", version: "1.0.0", engine_type: "test-plugin", arcan: ">=0.1", entry: "plugin.js", host_functions: [], limits: {}, ...manifest },
    { "plugin.js": Buffer.from(source, "utf8") },
    key,
  );
}

export interface PluginHarness {
  store: Store;
  realm: ResolvedRealm;
  otherRealm: ResolvedRealm;
  engineTypes: EngineTypes;
  plugins: ReturnType<typeof createPlugins>;
  mount(type: string, config?: Record<string, unknown>, realm?: ResolvedRealm): EngineMount;
  close(): Promise<void>;
}

export async function harness(env: Record<string, string>): Promise<PluginHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-plugins-"));
  const store = await openStore({ dataDir });
  const config = loadConfig({ ARCAN_DATA_DIR: dataDir, ...env }, dataDir);
  const logger = pino({ level: "silent" });
  const audit = new AuditWriter(store, logger);
  const directory = new RealmDirectory({ db: store.db });
  const realms: ResolvedRealm[] = [];
  for (const name of ["app", "other"]) {
    await store.db.realm.create({ data: { id: newId("rlm"), name } });
    realms.push((await directory.byName(name))!);
  }
  const engineTypes = new EngineTypes();
  // The access guard is not exercised by driver-level suites (the REST suite covers it).
  const plugins = createPlugins({ db: store.db, config: config.plugins, access: null as never, audit, outbox: new Outbox(store.db), engineTypes, logger, bus: new LocalBus(logger) });
  return {
    store,
    realm: realms[0]!,
    otherRealm: realms[1]!,
    engineTypes,
    plugins,
    mount: (type, cfg = {}, realm = realms[0]!) => ({ id: `eng_${randomBytes(8).toString("hex")}`, realm, name: `m-${randomBytes(3).toString("hex")}`, type, config: cfg }),
    async close() {
      await plugins.connections.closeAll();
      await audit.drain();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CREATE_REQUEST = (role: Record<string, unknown> = {}) => ({
  leaseId: newId("tok").replace("tok_", "lea_"),
  role: { name: "r", options: role },
  ttlSeconds: 3600,
  expiresAt: new Date(Date.now() + 3_600_000),
});
