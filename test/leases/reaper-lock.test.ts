// Two Arcan processes on one PostgreSQL store: only the holder of the reaper's advisory
// lock revokes, so every expired lease is revoked (and audited) exactly once; when the
// holder dies, the other process takes the lock over and revokes what comes due.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createRealm, sleep } from "../helpers/core";
import { startPgCluster, type PgCluster } from "../helpers/pg-cluster";
import { createDatabase, startServer, type TestServer } from "../helpers/server";

const ROOT_PASSWORD = "lock-root-Pw-81c3";
const REALM = "locked";

describe("lease reaper across processes (PostgreSQL store)", () => {
  let cluster: PgCluster;
  let a: TestServer;
  let b: TestServer;

  const roleExists = async (name: string) => {
    const su = await cluster.superuser();
    const { rowCount } = await su.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
    await su.end();
    return rowCount === 1;
  };
  const lease = async (s: TestServer, ttl: number) => {
    const r = await s.request("POST", `/api/v1/realms/${REALM}/leases`, { body: { engine: "pg", role: "readonly", ttl } });
    assert.equal(r.status, 201, r.text);
    return r.body as { lease_id: string; credentials: { username: string } };
  };
  const waitExpired = async (s: TestServer, id: string) => {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if ((await s.request("GET", `/api/v1/realms/${REALM}/leases/${id}`)).body.state === "expired") return;
      await sleep(200);
    }
    assert.fail(`lease ${id} did not expire`);
  };

  before(async () => {
    cluster = await startPgCluster();
    const su = await cluster.superuser();
    await su.query(`CREATE ROLE arcan_root LOGIN CREATEROLE PASSWORD '${ROOT_PASSWORD}'`);
    await su.query("CREATE DATABASE app OWNER arcan_root");
    await su.end();
    const root = new pg.Client({ connectionString: cluster.url("arcan_root", ROOT_PASSWORD, "app") });
    await root.connect();
    await root.query("CREATE TABLE items (id int)");
    await root.end();
    const databaseUrl = await createDatabase();
    // `a` starts first, so it takes the reaper lock before `b` is up.
    a = await startServer({ databaseUrl, env: { ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" }, keepAlive: true });
    // The same data dir: the processes share the key-encryption key file, as scale-out requires.
    b = await startServer({ databaseUrl, dataDir: a.dataDir, adminToken: a.adminToken, env: { ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" }, keepAlive: true });
    await createRealm(a, REALM);
    const mount = {
      name: "pg",
      type: "postgres",
      config: { connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster.port}/app`, username: "arcan_root", password: ROOT_PASSWORD },
    };
    assert.equal((await a.request("POST", `/api/v1/realms/${REALM}/engines`, { body: mount })).status, 201);
    const role = { name: "readonly", creation_statements: [`CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`, `GRANT SELECT ON items TO "{{name}}"`] };
    assert.equal((await a.request("POST", `/api/v1/realms/${REALM}/engines/pg/roles`, { body: role })).status, 201);
  });
  after(async () => {
    await b?.cleanup();
    await a?.cleanup();
    await cluster?.stop();
  });

  it("revokes each expired lease once, whichever process issued it", async () => {
    const leases = [...(await Promise.all([1, 2, 3].map(() => lease(a, 2)))), ...(await Promise.all([1, 2, 3].map(() => lease(b, 2))))];
    for (const l of leases) await waitExpired(b, l.lease_id);
    for (const l of leases) assert.equal(await roleExists(l.credentials.username), false);
    await sleep(1_500);
    for (const l of leases) {
      const audit = await a.request("GET", `/api/v1/audit?action=lease.expire&realm=${REALM}&limit=100`);
      assert.equal(audit.status, 200, audit.text);
      const records = audit.body.items.filter((r: { resource: string }) => r.resource === `lease:${l.lease_id}`);
      assert.equal(records.length, 1, `lease ${l.lease_id} was revoked ${records.length} times`);
    }
  });

  it("the other process takes over the reaper when the lock holder dies", async () => {
    const fromA = await lease(a, 3);
    const fromB = await lease(b, 3);
    await a.kill();
    await waitExpired(b, fromA.lease_id);
    await waitExpired(b, fromB.lease_id);
    assert.equal(await roleExists(fromA.credentials.username), false);
    assert.equal(await roleExists(fromB.credentials.username), false);
  });
});
