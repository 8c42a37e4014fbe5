// The mariadb plugin (plugins/mariadb) through its engine driver against the real
// MariaDB at 127.0.0.1:3306: a lease's user can log in with its grants, and cannot once
// revoked (its open session is ended too).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { publicKeyBase64, signDirectory } from "../../server/plugins/authoring";
import type { PluginEngineDriver } from "../../server/plugins/driver";
import { ROOT } from "../helpers/server";
import { CREATE_REQUEST, DEV_KEY, harness, mariaDbFixture, type PluginHarness } from "./helpers";

const maria = mariaDbFixture("arcan_plugin");

let h: PluginHarness;
let driver: PluginEngineDriver;
let rootPassword = maria.rootPassword;

const mountConfig = () => ({ connection_url: "mysql://{{username}}:{{password}}@127.0.0.1:3306/", username: maria.rootUser, password: rootPassword, max_open_connections: 4 });

async function login(user: string, password: string) {
  return mysql.createConnection({ host: "127.0.0.1", port: 3306, user, password, database: maria.db });
}

describe("mariadb plugin", () => {
  before(async () => {
    await maria.create();
    h = await harness({ ARCAN_PLUGINS_TRUSTED_KEYS: publicKeyBase64(DEV_KEY) });
    const pkg = signDirectory(path.join(ROOT, "plugins/mariadb"), DEV_KEY);
    driver = h.plugins.runtime.activate(await h.plugins.runtime.load(pkg.envelope, pkg.files));
  });
  after(async () => {
    await h?.close();
    await maria.drop();
  });

  it("registers the mariadb engine type and checks configs against its config_schema", () => {
    assert.equal(h.engineTypes.get("mariadb"), driver);
    const checked = driver.validateConfig(mountConfig());
    assert.deepEqual(checked.writeOnly, ["password"]);
    assert.throws(() => driver.validateConfig({ connection_url: "http://x", username: "u" }), /connection_url/);
    assert.throws(() => driver.validateRole({ grants: ["ALL; DROP DATABASE x"] }), /options.grants\[0\]/);
  });

  it("creates a user that logs in with the role's grants; revoke ends its session and its login", async () => {
    const mount = h.mount("mariadb", mountConfig());
    await driver.verify(mount);
    const options = driver.validateRole({ grants: [`SELECT ON ${maria.db}.*`] });
    const lease = await driver.create(mount, CREATE_REQUEST(options));
    const { username, password } = lease.credentials;
    assert.match(username!, /^arcan_[0-9a-f]{16}$/);
    assert.ok(password!.length >= 32);
    assert.equal(JSON.stringify(lease.internal).includes(password!), false, "internal keeps no password");

    const session = await login(username!, password!);
    const [rows] = await session.query(`SELECT name FROM items`);
    assert.deepEqual(rows, [{ name: "one" }]);
    await assert.rejects(session.query(`INSERT INTO items VALUES (2, 'two')`), /denied/);

    await driver.revoke(mount, lease.internal);
    await assert.rejects(session.query("SELECT 1"), "the open session was ended");
    session.destroy();
    await assert.rejects(login(username!, password!), /Access denied/);
  });

  it("tags its audit records with the plugin's name", async () => {
    const mount = h.mount("mariadb", mountConfig());
    const lease = await driver.create(mount, CREATE_REQUEST({}));
    await driver.revoke(mount, lease.internal);
    for (let i = 0; i < 50 && (await h.store.db.auditRecord.count({ where: { actor: "plugin:mariadb", action: "plugin.mariadb.user.dropped" } })) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const record = await h.store.db.auditRecord.findFirst({ where: { actor: "plugin:mariadb", action: "plugin.mariadb.user.created" } });
    assert.ok(record, "user.created audited");
    assert.equal(record.realm, "app");
    assert.match(record.details, /"plugin":"mariadb"/);
  });

  it("rotates the root password: the old one stops working", async () => {
    const mount = h.mount("mariadb", mountConfig());
    const next = await driver.rotateRoot(mount);
    assert.notEqual(next.password, rootPassword);
    await assert.rejects(login(maria.rootUser, rootPassword), /Access denied/);
    rootPassword = String(next.password);
    (await login(maria.rootUser, rootPassword)).destroy();
    const rotated = h.mount("mariadb", mountConfig());
    assert.equal((await driver.health(rotated)).ok, true);
  });

  it("reports an unreachable or wrongly configured server as unhealthy without the password", async () => {
    const mount = h.mount("mariadb", { ...mountConfig(), password: "wrong-password-123" });
    const health = await driver.health(mount);
    assert.equal(health.ok, false);
    assert.equal(String(health.detail).includes("wrong-password-123"), false);
    await assert.rejects(driver.verify(mount), /does not answer/);
  });
});
