// The TypeScript SDK against a real server (dogfood): realms, secrets, tokens, roles,
// bindings and audit end to end through `ArcanClient`, problem details as ArcanError,
// and the TLS options.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ArcanClient, ArcanError } from "../../sdk/src/index";
import { startServer, STORES, type TestServer } from "../helpers/server";

const NO_RATE_LIMITS = { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" };

/** Awaits a call that must fail with problem details; returns the error. */
async function problem(call: Promise<unknown>, status: number, code?: string): Promise<ArcanError> {
  const err = await call.then(
    (value) => assert.fail(`expected ${status}, got success: ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ArcanError, `an ArcanError, got ${String(err)}`);
  assert.equal(err.status, status, `${err.status} ${err.code}: ${err.detail}`);
  if (code) assert.equal(err.code, code);
  if (status > 0) {
    assert.match(err.requestId ?? "", /^req_[0-9a-f]{32}$/);
    assert.equal(err.request_id, err.requestId);
    assert.ok(err.title.length > 0 && err.detail.length > 0);
    assert.equal(err.problem?.status, status);
  }
  return err;
}

for (const store of STORES) {
  describe(`SDK end to end (${store})`, () => {
    let server: TestServer;
    let caCert: string;
    let admin: ArcanClient;
    const as = (token?: string, realm?: string) => new ArcanClient({ url: server.url, token, caCert, realm });

    before(async () => {
      server = await startServer({ store, env: NO_RATE_LIMITS });
      caCert = readFileSync(path.join(server.dataDir, "tls.crt"), "utf8");
      admin = as(server.adminToken);
    });
    after(() => server?.cleanup());

    it("creates realms and reads back secrets with versions and check-and-set", async () => {
      const realm = await admin.realms.create({ name: "myapp", description: "payments" });
      assert.equal(realm.name, "myapp");
      await admin.realms.create({ name: "other" });
      assert.deepEqual((await admin.realms.list()).map((r) => r.name).sort(), ["myapp", "other"]);
      assert.equal((await admin.realms.update("myapp", { description: "payments v2" })).description, "payments v2");

      const v1 = await admin.kv.set("DATABASE_URL", "postgres://one", { realm: "myapp" });
      assert.equal(v1.version, 1);
      const v2 = await admin.kv.set("DATABASE_URL", "postgres://two", { realm: "myapp", cas: 1 });
      assert.equal(v2.version, 2);
      await problem(admin.kv.set("DATABASE_URL", "postgres://lost", { realm: "myapp", cas: 1 }), 409, "cas_mismatch");

      assert.equal(await admin.kv.get("DATABASE_URL", { realm: "myapp" }), "postgres://two");
      assert.equal(await admin.kv.get("DATABASE_URL", { realm: "myapp", version: 1 }), "postgres://one");
      const read = await admin.kv.read("DATABASE_URL", { realm: "myapp" });
      assert.equal(read.version, 2);
      assert.deepEqual((await admin.kv.versions("DATABASE_URL", { realm: "myapp" })).map((v) => [v.version, v.current]), [[2, true], [1, false]]);
      const page = await admin.kv.list({ realm: "myapp" });
      assert.deepEqual(page.items.map((s) => s.key), ["DATABASE_URL"]);
      assert.ok(!("value" in page.items[0]!), "lists never carry values");

      await admin.kv.set("TEMP", "x", { realm: "myapp" });
      await admin.kv.delete("TEMP", { realm: "myapp" });
      await problem(admin.kv.get("TEMP", { realm: "myapp" }), 404, "secret_not_found");
      await problem(admin.kv.get("X", { realm: "nope" }), 404, "realm_not_found");
    });

    it("creates a token whose value works with kv.get in its realm, and nowhere else", async () => {
      const created = await admin.tokens.create({ name: "ci-pipeline", ttl: "90d", capabilities: ["secrets:read", "leases:create"], realms: ["myapp"] });
      assert.match(created.token, /^arc_/);
      assert.deepEqual(created.capabilities, ["secrets:read", "leases:create"]);
      const expires = Date.parse(created.expires_at ?? "");
      assert.ok(Math.abs(expires - (Date.now() + 90 * 86_400_000)) < 60_000, "expires in 90 days");

      const ci = as(created.token, "myapp");
      assert.equal(await ci.kv.get("DATABASE_URL"), "postgres://two", "the default realm from the options");
      const denied = await problem(ci.kv.set("DATABASE_URL", "x"), 403, "missing_capability");
      assert.match(denied.detail, /secrets:write/);
      await problem(ci.kv.get("DATABASE_URL", { realm: "other" }), 404, "realm_not_found");
      await problem(ci.tokens.list(), 403);

      const verification = await ci.tokens.verify();
      assert.equal(verification.valid, true);
      assert.equal(verification.token_info?.name, "ci-pipeline");
      assert.deepEqual(await as(undefined).tokens.verify(), { valid: false });

      assert.ok((await admin.tokens.list()).items.some((t) => t.id === created.id));
      assert.equal((await admin.tokens.get(created.id)).name, "ci-pipeline");
      assert.equal((await admin.tokens.update(created.id, { description: "builds" })).description, "builds");

      const rotated = await admin.tokens.rotate(created.id);
      assert.equal(rotated.id, created.id);
      assert.notEqual(rotated.token, created.token);
      await problem(ci.kv.get("DATABASE_URL"), 401);
      assert.equal(await as(rotated.token, "myapp").kv.get("DATABASE_URL"), "postgres://two");

      assert.equal((await admin.tokens.revoke(created.id)).status, "revoked");
      await problem(as(rotated.token, "myapp").kv.get("DATABASE_URL"), 401, "token_revoked");
    });

    it("grants a token a realm through a role binding, and takes it away", async () => {
      const reader = await admin.tokens.create({ name: "reader", capabilities: ["secrets:read"], realms: ["myapp"] });
      await admin.kv.set("OTHER_KEY", "other-value", { realm: "other" });
      const client = as(reader.token);
      await problem(client.kv.get("OTHER_KEY", { realm: "other" }), 404, "realm_not_found");

      const role = await admin.roles.create({ name: "other-reader", capabilities: ["secrets:read"], description: "reads other" });
      assert.equal((await admin.roles.get(role.name)).capabilities[0], "secrets:read");
      const binding = await admin.bindings.create({ subject: `token:${reader.id}`, role: role.name, realm: "other" });
      assert.ok((await admin.bindings.list()).some((b) => b.id === binding.id));
      assert.equal(await client.kv.get("OTHER_KEY", { realm: "other" }), "other-value");

      await admin.bindings.delete(binding.id);
      await problem(client.kv.get("OTHER_KEY", { realm: "other" }), 404);
      await admin.roles.delete(role.name);
      assert.ok(!(await admin.roles.list()).some((r) => r.name === role.name));
    });

    it("finds the reads in the audit log and verifies the chain", async () => {
      const page = await admin.audit.search({ realm: "myapp", action: "secret.read", outcome: "success", limit: 500 });
      assert.ok(page.items.length >= 3, `found ${page.items.length}`);
      assert.ok(page.items.every((r) => r.realm === "myapp" && r.action === "secret.read"));
      const denied = await admin.audit.search({ outcome: "denied", from: new Date(Date.now() - 3_600_000) });
      assert.ok(denied.items.some((r) => r.action === "secret.write"));
      const chain = await admin.audit.verify();
      assert.equal(chain.valid, true);
      assert.ok(chain.checked > 10);
    });

    it("client.lease reaches the contract's lease endpoints, and their problems surface as an ArcanError", async () => {
      // No "postgres" engine is mounted in this realm (test/leases covers real leases).
      const err = await problem(admin.lease.create("postgres", "readonly", { realm: "myapp", ttl: "1h" }), 404, "engine_not_found");
      assert.ok(err.detail.length > 0);
      await problem(admin.lease.revoke("lease_123", { realm: "myapp" }), 400);
      await problem(admin.lease.revoke(`lea_${"0".repeat(32)}`, { realm: "myapp" }), 404, "lease_not_found");
      assert.throws(() => admin.lease.create("postgres", "readonly"), /realm is required/);
    });

    it("answers 401 without a token and deletes realms", async () => {
      await problem(as(undefined).realms.list(), 401, "token_missing");
      await problem(as("arc_notarealtoken").realms.list(), 401);
      await admin.realms.delete("other");
      await problem(admin.realms.get("other"), 404, "realm_not_found");
    });
  });
}

describe("SDK TLS options", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ store: "sqlite", env: NO_RATE_LIMITS });
  });
  after(() => server?.cleanup());

  it("refuses a self-signed server unless given its CA certificate or told to skip verification", async () => {
    const untrusted = new ArcanClient({ url: server.url, token: server.adminToken });
    const err = await problem(untrusted.realms.list(), 0, "connection_failed");
    assert.match(err.detail, /self.signed|certificate/i);

    const pinned = new ArcanClient({ url: `${server.url}/`, token: server.adminToken, caCert: readFileSync(path.join(server.dataDir, "tls.crt")) });
    assert.deepEqual(await pinned.realms.list(), []);
    const skipping = new ArcanClient({ url: server.url, token: server.adminToken, skipVerify: true });
    assert.deepEqual(await skipping.realms.list(), []);

    const unreachable = new ArcanClient({ url: "https://127.0.0.1:1", skipVerify: true });
    await problem(unreachable.realms.list(), 0, "connection_failed");
  });
});
