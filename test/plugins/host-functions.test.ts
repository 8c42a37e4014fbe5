// Host functions beyond the two shipped plugins: ctx.sql on PostgreSQL with its statement
// timeout, and ctx.storage scoped to one mount in one realm.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildPackage, CREATE_REQUEST, harness, newSigningKey, type PluginHarness } from "./helpers";

const key = newSigningKey();
const PG_URL = process.env.ARCAN_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
let h: PluginHarness;

async function activate(name: string, source: string, hostFunctions: string[]) {
  const pkg = buildPackage(key.privateKey, `${source}\nexport async function revoke() {}\n`, { name, engine_type: name, host_functions: hostFunctions });
  return h.plugins.runtime.activate(await h.plugins.runtime.load(pkg.envelope, pkg.files));
}

describe("plugin host functions", () => {
  before(async () => {
    h = await harness({ ARCAN_PLUGINS_TRUSTED_KEYS: key.publicBase64, ARCAN_PLUGINS_SQL_TIMEOUT_MS: "300" });
  });
  after(() => h.close());

  it("runs ctx.sql on a postgres:// mount with parameters, and stops a statement at its timeout", async () => {
    const driver = await activate(
      "pgquery",
      `export async function create(ctx, { role }) {
         const r = await ctx.sql(role.options.sql, role.options.params);
         return { credentials: { rows: JSON.stringify(r.rows), count: String(r.rowCount) } };
       }`,
      ["sql"],
    );
    const mount = h.mount("pgquery", { connection_url: PG_URL });
    driver.validateConfig({ connection_url: PG_URL });
    const out = await driver.create(mount, CREATE_REQUEST({ sql: "SELECT $1::int + 1 AS n, current_user AS who", params: [41] }));
    assert.deepEqual(JSON.parse(out.credentials.rows!), [{ n: 42, who: "postgres" }]);
    assert.equal(out.credentials.count, "1");
    const started = performance.now();
    await assert.rejects(driver.create(mount, CREATE_REQUEST({ sql: "SELECT pg_sleep(5)", params: [] })), (err: { status?: number; code?: string }) => err.status === 502 && err.code === "plugin_failed");
    assert.ok(performance.now() - started < 4000, "the statement timeout ended it");
  });

  it("keeps ctx.storage per mount and per realm", async () => {
    const driver = await activate(
      "keeper",
      `export async function create(ctx, { role }) {
         const before = await ctx.storage.get("counter");
         if (role.options.write !== undefined) await ctx.storage.put("counter", role.options.write);
         if (role.options.drop) await ctx.storage.delete("counter");
         return { credentials: { before: JSON.stringify(before) } };
       }`,
      ["storage"],
    );
    const a = h.mount("keeper", {});
    const sameIdOtherRealm = { ...a, realm: h.otherRealm };
    const b = h.mount("keeper", {});
    await driver.create(a, CREATE_REQUEST({ write: { n: 1 } }));
    assert.equal((await driver.create(a, CREATE_REQUEST({}))).credentials.before, '{"n":1}');
    assert.equal((await driver.create(b, CREATE_REQUEST({}))).credentials.before, "null", "another mount sees nothing");
    assert.equal((await driver.create(sameIdOtherRealm, CREATE_REQUEST({}))).credentials.before, "null", "another realm sees nothing");
    await driver.create(a, CREATE_REQUEST({ drop: true }));
    assert.equal((await driver.create(a, CREATE_REQUEST({}))).credentials.before, "null");
  });
});
