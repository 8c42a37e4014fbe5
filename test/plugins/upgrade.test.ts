// Install, upgrade and remove through the service container the server runs: an upgrade
// whose new version fails health leaves mounts on the old version; a good one moves them
// (same driver in EngineTypes); removal is refused while a mount uses the engine type.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { loadConfig } from "../../server/config/config";
import { LocalKeyFileKms } from "../../server/crypto/kms";
import { AppError } from "../../server/errors";
import { newId, newRequestId } from "../../server/ids";
import { createMetrics } from "../../server/observability/metrics";
import { writeRegistry } from "../../server/plugins/authoring";
import type { Actor } from "../../server/rbac/principal";
import { RealmDirectory } from "../../server/access/realm-directory";
import { createServices, type Services } from "../../server/services";
import { openStore, type Store } from "../../server/store/client";
import { buildPackage, CREATE_REQUEST, newSigningKey } from "./helpers";

const key = newSigningKey();
const version = (v: string, healthy: boolean) =>
  buildPackage(
    key.privateKey,
    `export async function create() { return { credentials: { version: "${v}" } }; }
     export async function revoke() {}
     export async function health() { return { ok: ${healthy}, detail: ${healthy ? "null" : '"not ready"'} }; }`,
    { name: "echo", engine_type: "echo", version: v },
  );

const admin: Actor = {
  principal: { subject: "token:tok_test", kind: "token", id: "tok_test", name: "admin", isAdmin: true, grants: [], rateLimit: null, expiresAt: null },
  requestId: newRequestId(),
  ip: null,
  via: "system",
};

describe("plugin upgrade and removal", () => {
  let dir: string;
  let store: Store;
  let services: Services;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "arcan-upgrade-"));
    const url = writeRegistry(path.join(dir, "registry"), [version("1.0.0", true), version("1.1.0", false), version("1.2.0", true)], { key: key.privateKey, version: 1, expires: new Date(Date.now() + 3_600_000) });
    store = await openStore({ dataDir: dir });
    const config = loadConfig({ ARCAN_DATA_DIR: dir, ARCAN_PLUGINS_TRUSTED_KEYS: key.publicBase64, ARCAN_PLUGINS_REGISTRY_KEYS: key.publicBase64, ARCAN_PLUGINS_REGISTRY_URL: url }, dir);
    const kms = LocalKeyFileKms.inDataDir(dir);
    kms.load();
    services = createServices({ config, store, kms, logger: pino({ level: "silent" }), metrics: createMetrics() });
    await store.db.realm.create({ data: { id: newId("rlm"), name: "app" } });
  });
  after(async () => {
    await services.pluginRuntime.stop();
    await services.auditWriter.drain();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("moves mounts to a new version only after it passes health, and refuses removal while mounted", async () => {
    await services.plugins.install(admin, { name: "echo", version: "1.0.0" });
    const driver = services.engineTypes.get("echo")!;
    assert.ok(driver, "the engine type is registered");
    const realm = (await new RealmDirectory({ db: store.db }).byName("app"))!;
    const mount = { id: "eng_1", realm, name: "e", type: "echo", config: {} };
    assert.equal((await driver.create(mount, CREATE_REQUEST())).credentials.version, "1.0.0");

    const refused = await services.plugins.upgrade(admin, "echo", "1.1.0").catch((e: unknown) => e);
    assert.ok(refused instanceof AppError && refused.status === 502 && refused.code === "plugin_failed", String(refused));
    assert.match(refused.message, /failed health on mount e/);
    assert.equal((await driver.create(mount, CREATE_REQUEST())).credentials.version, "1.0.0", "still the old version");
    assert.equal((await services.plugins.list(admin))[0]!.version, "1.0.0");

    const upgraded = await services.plugins.upgrade(admin, "echo", "1.2.0");
    assert.equal(upgraded.version, "1.2.0");
    assert.equal(services.engineTypes.get("echo"), driver, "the same driver serves the mounts");
    assert.equal((await driver.create(mount, CREATE_REQUEST())).credentials.version, "1.2.0");

    const inUse = await services.plugins.remove(admin, "echo").catch((e: unknown) => e);
    assert.ok(inUse instanceof AppError && inUse.status === 409 && inUse.code === "plugin_in_use");
    await driver.close(mount.id);
    await services.plugins.remove(admin, "echo");
    assert.equal(services.engineTypes.get("echo"), undefined);

    const events = (await store.db.outboxEvent.findMany({ where: { type: { startsWith: "plugin." } }, orderBy: { seq: "asc" } })).map((e) => e.type);
    assert.deepEqual(events, ["plugin.installed", "plugin.upgraded", "plugin.removed"]);
  });
});
