// The plugins issue's Done-when through the REST API only, as an operator does it: trust a
// key, install `mariadb` from a file:// registry, mount it against the local MariaDB,
// create a lease and log in with it, revoke it; and a hostile plugin from the same
// registry is contained (502, nothing else disturbed).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { publicKeyBase64, signDirectory, writeRegistry } from "../../server/plugins/authoring";
import { assertProblem, createRealm, startCore } from "../helpers/core";
import { ROOT, type TestServer } from "../helpers/server";
import { buildPackage, DEV_KEY, mariaDbFixture, newSigningKey } from "./helpers";

const maria = mariaDbFixture("arcan_flow");
const hostile = `export async function create() { for (;;) {} }\nexport async function revoke() {}\nexport async function health() { return { ok: true }; }\n`;

describe("mariadb plugin from a file:// registry, through the API", () => {
  let server: TestServer;
  let registryDir: string;
  const realm = `flow-${maria.db.slice(-8)}`;

  before(async () => {
    await maria.create();
    const registryKey = newSigningKey();
    const packages = [
      signDirectory(path.join(ROOT, "plugins/mariadb"), DEV_KEY),
      buildPackage(DEV_KEY, hostile, { name: "looper", engine_type: "looper", version: "1.0.0", limits: { timeout_ms: 50 } }),
    ];
    registryDir = mkdtempSync(path.join(tmpdir(), "arcan-registry-"));
    const url = writeRegistry(registryDir, packages, { key: registryKey.privateKey, version: 1, expires: new Date(Date.now() + 86_400_000) });
    assert.match(url, /^file:\/\//);
    server = await startCore("sqlite", {
      ARCAN_PLUGINS_TRUSTED_KEYS: publicKeyBase64(DEV_KEY),
      ARCAN_PLUGINS_REGISTRY_KEYS: registryKey.publicBase64,
      ARCAN_PLUGINS_REGISTRY_URL: url,
    });
    await createRealm(server, realm);
  });
  after(async () => {
    await server?.cleanup();
    if (registryDir) rmSync(registryDir, { recursive: true, force: true });
    await maria.drop();
  });

  it("installs, mounts, leases a user that logs in with the role's grants, and revokes it", async () => {
    const installed = await server.request("POST", "/api/v1/plugins", { body: { name: "mariadb", version: "1.0.0" } });
    assert.equal(installed.status, 201, installed.text);
    assert.equal(installed.body.engine_type, "mariadb");

    const config = { connection_url: "mysql://{{username}}:{{password}}@127.0.0.1:3306/", username: maria.rootUser, password: maria.rootPassword, max_open_connections: 2 };
    assertProblem(await server.request("POST", `/api/v1/realms/${realm}/engines`, { body: { name: "maria", type: "mariadb", config: { ...config, connection_url: "http://x" } } }), 400);
    const mounted = await server.request("POST", `/api/v1/realms/${realm}/engines`, { body: { name: "maria", type: "mariadb", config } });
    assert.equal(mounted.status, 201, mounted.text);
    assert.equal(mounted.text.includes(maria.rootPassword), false, "the root password is write-only");
    const role = await server.request("POST", `/api/v1/realms/${realm}/engines/maria/roles`, { body: { name: "reader", grants: [`SELECT ON ${maria.db}.*`], default_ttl: "10m" } });
    assert.equal(role.status, 201, role.text);

    const lease = await server.request("POST", `/api/v1/realms/${realm}/leases`, { body: { engine: "maria", role: "reader", ttl: "5m" } });
    assert.equal(lease.status, 201, lease.text);
    const { username, password } = lease.body.credentials as { username: string; password: string };
    const session = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: username, password, database: maria.db });
    const [rows] = await session.query("SELECT name FROM items");
    assert.deepEqual(rows, [{ name: "one" }]);
    await assert.rejects(session.query("INSERT INTO items VALUES (2, 'two')"), /denied/);

    const revoked = await server.request("POST", `/api/v1/realms/${realm}/leases/${lease.body.lease_id}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    session.destroy();
    await assert.rejects(mysql.createConnection({ host: "127.0.0.1", port: 3306, user: username, password, database: maria.db }), /Access denied/);
  });

  it("contains a hostile plugin from the same registry: 502 at its time limit, the mariadb engine unaffected", async () => {
    assert.equal((await server.request("POST", "/api/v1/plugins", { body: { name: "looper", version: "1.0.0" } })).status, 201);
    assert.equal((await server.request("POST", `/api/v1/realms/${realm}/engines`, { body: { name: "loop", type: "looper", config: {} } })).status, 201);
    assert.equal((await server.request("POST", `/api/v1/realms/${realm}/engines/loop/roles`, { body: { name: "any" } })).status, 201);
    const started = performance.now();
    const stuck = assertProblem(await server.request("POST", `/api/v1/realms/${realm}/leases`, { body: { engine: "loop", role: "any" } }), 502, "plugin_failed");
    assert.match(stuck.detail ?? "", /looper/);
    assert.ok(performance.now() - started < 5000, "stopped near its 50 ms limit");
    const ok = await server.request("POST", `/api/v1/realms/${realm}/leases`, { body: { engine: "maria", role: "reader", ttl: "1m" } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await server.request("POST", `/api/v1/realms/${realm}/leases/${ok.body.lease_id}/revoke`)).status, 200);
  });
});
