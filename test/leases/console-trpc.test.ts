// The console's engines and leases procedures (the Engines and Leases pages) on the real
// services and store: a caller without the capability gets a typed FORBIDDEN and changes
// nothing; an admin mounts the local PostgreSQL, defines a role, sees and revokes a lease,
// and deletes the mount (refused while a lease is active, unless forced).
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { createRestApp } from "../../server/rest/app";
import { uid } from "../helpers/core";
import { startConsoleHarness, type ConsoleHarness } from "../helpers/console";
import { STORES } from "../helpers/server";

// The shared local PostgreSQL uses trust authentication: any root password is accepted.
const mountInput = (realm: string, name: string) => ({
  realm,
  name,
  type: "postgres",
  config: { connection_url: "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres", username: "postgres", password: "trust-auth-any-password", max_open_connections: 2 },
});
const ROLE = { name: "readonly", creation_statements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`], default_ttl: "1h", max_ttl: "2h" };

async function roleExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  try {
    return (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

for (const store of STORES) {
  describe(`console engines and leases procedures (${store})`, () => {
    let h: ConsoleHarness;
    let rest: Server;
    let restUrl: string;
    const realm = `eng-${uid()}`;
    /** A lease as a client makes it: POST /api/v1/realms/:realm/leases with the admin token. */
    const createLease = async (engine: string) => {
      const res = await fetch(`${restUrl}/api/v1/realms/${realm}/leases`, {
        method: "POST",
        headers: { authorization: `Bearer ${h.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ engine, role: "readonly", ttl: "1h" }),
      });
      assert.equal(res.status, 201);
      return (await res.json()) as { lease_id: string; credentials: { username: string } };
    };
    const tokenWith = async (capabilities: string[]) => {
      const made = await h.mutation("tokens.create", { name: `t-${uid()}`, capabilities, realms: [realm] });
      assert.ok(made.data?.token, JSON.stringify(made.error));
      return made.data.token as string;
    };

    before(async () => {
      h = await startConsoleHarness(store);
      const app = createRestApp(h.services);
      rest = createServer((req, res) => void app(req, res));
      await new Promise<void>((resolve) => rest.listen(0, "127.0.0.1", resolve));
      restUrl = `http://127.0.0.1:${(rest.address() as { port: number }).port}`;
      assert.equal((await h.mutation("realms.create", { name: realm })).status, 200);
    });
    after(async () => {
      rest.close();
      await h.close();
    });

    it("refuses list, mount and delete to a caller without the engine capabilities, with FORBIDDEN, and mounts nothing", async () => {
      const secretsOnly = await tokenWith(["secrets:read"]);
      const listed = await h.query("engines.list", { realm }, { token: secretsOnly });
      assert.equal(listed.error?.data?.code, "FORBIDDEN", JSON.stringify(listed));
      const mounted = await h.mutation("engines.mount", mountInput(realm, "pg-denied"), { token: secretsOnly });
      assert.equal(mounted.error?.data?.code, "FORBIDDEN", JSON.stringify(mounted));

      // Reading engines is not managing them.
      const reader = await tokenWith(["engines:read"]);
      const readable = await h.query("engines.list", { realm }, { token: reader });
      assert.deepEqual(readable.data, [], JSON.stringify(readable.error));
      assert.equal((await h.mutation("engines.mount", mountInput(realm, "pg-denied"), { token: reader })).error?.data?.code, "FORBIDDEN");

      assert.equal((await h.mutation("engines.mount", mountInput(realm, "pg-kept"))).status, 200);
      assert.equal((await h.mutation("engines.delete", { realm, name: "pg-kept" }, { token: reader })).error?.data?.code, "FORBIDDEN");
      const names = (await h.query("engines.list", { realm })).data.map((e: { name: string }) => e.name);
      assert.deepEqual(names, ["pg-kept"]);
      assert.equal((await h.mutation("engines.delete", { realm, name: "pg-kept" })).status, 200);
    });

    it("refuses the leases list and revoke without leases:read and leases:revoke, and leaves the lease working", async () => {
      assert.equal((await h.mutation("engines.mount", mountInput(realm, "pg-guarded"))).status, 200);
      assert.equal((await h.mutation("engines.createRole", { realm, engine: "pg-guarded", role: ROLE })).status, 200);
      const lease = await createLease("pg-guarded");
      const engineReader = await tokenWith(["engines:read"]);
      assert.equal((await h.query("leases.list", { realm }, { token: engineReader })).error?.data?.code, "FORBIDDEN");
      const reader = await tokenWith(["leases:read"]);
      assert.equal((await h.query("leases.list", { realm, state: "active" }, { token: reader })).data.items.length, 1);
      assert.equal((await h.mutation("leases.revoke", { realm, id: lease.lease_id }, { token: reader })).error?.data?.code, "FORBIDDEN");
      assert.equal(await roleExists(lease.credentials.username), true);
      assert.equal((await h.mutation("engines.delete", { realm, name: "pg-guarded", force: true })).status, 200);
      assert.equal(await roleExists(lease.credentials.username), false);
    });

    it("lets an admin mount, list, define a role, revoke a lease and delete the mount", async () => {
      const mounted = await h.mutation("engines.mount", mountInput(realm, "pg-admin"));
      assert.equal(mounted.data?.name, "pg-admin", JSON.stringify(mounted.error));
      assert.equal(mounted.data.config.password, undefined);
      const listed = await h.query("engines.list", { realm });
      assert.deepEqual(
        listed.data.map((e: { name: string; type: string; health: { ok: boolean } }) => [e.name, e.type, e.health.ok]),
        [["pg-admin", "postgres", true]],
      );
      assert.equal((await h.mutation("engines.createRole", { realm, engine: "pg-admin", role: ROLE })).data?.name, "readonly");

      const lease = await createLease("pg-admin");
      const active = await h.query("leases.list", { realm, state: "active" });
      assert.deepEqual(
        active.data.items.map((l: { lease_id: string }) => l.lease_id),
        [lease.lease_id],
      );
      assert.equal(JSON.stringify(active.data).includes("password"), false);
      // Active leases block a plain delete; the console then offers force.
      assert.equal((await h.mutation("engines.delete", { realm, name: "pg-admin" })).error?.data?.code, "CONFLICT");

      const revoked = await h.mutation("leases.revoke", { realm, id: lease.lease_id });
      assert.equal(revoked.data?.state, "revoked", JSON.stringify(revoked.error));
      assert.equal(await roleExists(lease.credentials.username), false);
      assert.equal((await h.query("leases.list", { realm, state: "active" })).data.items.length, 0);

      assert.deepEqual((await h.mutation("engines.delete", { realm, name: "pg-admin" })).data, { ok: true });
      assert.deepEqual((await h.query("engines.list", { realm })).data, []);
      assert.equal((await h.query("engines.get", { realm, name: "pg-admin" })).error?.data?.code, "NOT_FOUND");
    });
  });
}
