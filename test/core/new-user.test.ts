// What a new user ran into, over real HTTPS: a realm-scoped management capability used in
// its realm, the decision lanes' words as audit outcomes, duplicate token names, webhook
// URLs refused at registration with the setting that allows them, the bootstrap token of a
// start that failed, and every bad configuration value reported at once.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { assertProblem, createRealm, createToken, startCore, uid } from "../helpers/core";
import { spawnArcan, STORES, type TestServer } from "../helpers/server";

for (const store of STORES) {
  describe(`new-user fixes (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startCore(store);
    });
    after(() => s.cleanup());

    it("a token holding tokens:create in realm myapp creates narrower tokens for myapp, and manages them", async () => {
      const myapp = `myapp-${uid()}`;
      const other = `other-${uid()}`;
      await createRealm(s, myapp);
      await createRealm(s, other);
      const manager = await createToken(s, { capabilities: ["tokens:create", "tokens:revoke", "secrets:read"], realms: [myapp] });
      const made = await s.request("POST", "/api/v1/auth/tokens", { token: manager.token, body: { name: "ci", capabilities: ["secrets:read"], realms: [myapp] } });
      assert.equal(made.status, 201, made.text);
      assert.deepEqual([made.body.realms, made.body.capabilities], [[myapp], ["secrets:read"]]);
      assert.equal((await s.request("POST", `/api/v1/auth/tokens/${made.body.id}/rotate`, { token: manager.token })).status, 200);
      assert.equal((await s.request("POST", `/api/v1/auth/tokens/${made.body.id}/revoke`, { token: manager.token })).status, 200);

      assertProblem(await s.request("POST", "/api/v1/auth/tokens", { token: manager.token, body: { name: "x", capabilities: ["secrets:read"] } }), 403, "missing_capability");
      assertProblem(await s.request("POST", "/api/v1/auth/tokens", { token: manager.token, body: { name: "x", capabilities: ["secrets:write"], realms: [myapp] } }), 403, "exceeds_issuer");
      assertProblem(await s.request("POST", "/api/v1/auth/tokens", { token: manager.token, body: { name: "x", capabilities: ["secrets:read"], realms: [other] } }), 404, "realm_not_found");
    });

    it("a realm-scoped roles:write binds roles in that realm only", async () => {
      const myapp = `myapp-${uid()}`;
      await createRealm(s, myapp);
      const binder = await createToken(s, { capabilities: ["roles:write", "roles:read", "realms:read", "secrets:read"], realms: [myapp] });
      const subject = await createToken(s, { capabilities: [] });
      const bound = await s.request("POST", "/api/v1/bindings", { token: binder.token, body: { subject: subject.subject, role: "secrets-reader", realm: myapp } });
      assert.equal(bound.status, 201, bound.text);
      assert.equal((await s.request("DELETE", `/api/v1/bindings/${bound.body.id}`, { token: binder.token })).status, 204);
      assertProblem(await s.request("POST", "/api/v1/bindings", { token: binder.token, body: { subject: subject.subject, role: "secrets-reader", realm: "*" } }), 403, "missing_capability");
    });

    it("searches the audit log by the decision lanes' words: allow, deny, review", async () => {
      const weak = await createToken(s, { capabilities: ["realms:read"] });
      assertProblem(await s.request("POST", "/api/v1/realms", { token: weak.token, body: { name: `nope-${uid()}` } }), 403);
      const deny = await s.request("GET", "/api/v1/audit?outcome=deny&limit=50");
      assert.equal(deny.status, 200, deny.text);
      assert.ok(deny.body.items.length > 0, "the denial is found");
      assert.ok(deny.body.items.every((r: { outcome: string }) => r.outcome === "denied"));
      const allow = await s.request("GET", "/api/v1/audit?outcome=allow&limit=50");
      assert.equal(allow.status, 200, allow.text);
      assert.ok(allow.body.items.length > 0 && allow.body.items.every((r: { outcome: string }) => r.outcome === "success"));
      assert.equal((await s.request("GET", "/api/v1/audit?outcome=review")).status, 200);
      const bad = assertProblem(await s.request("GET", "/api/v1/audit?outcome=maybe"), 400);
      assert.ok(bad.errors?.some((e) => e.field === "outcome"));
    });

    it("allows two tokens with one name and tells them apart by id everywhere", async () => {
      const name = `twin-${uid()}`;
      const a = await createToken(s, { name, capabilities: ["realms:read"] });
      const b = await createToken(s, { name, capabilities: ["realms:read"] });
      assert.notEqual(a.id, b.id);
      const list = await s.request("GET", "/api/v1/auth/tokens?limit=500");
      const twins = list.body.items.filter((t: { name: string }) => t.name === name).map((t: { id: string }) => t.id);
      assert.deepEqual(twins.sort(), [a.id, b.id].sort());
    });

    it("refuses at registration a webhook URL the dispatcher would refuse, naming [webhooks] allow_private_networks", async () => {
      const http = assertProblem(await s.request("POST", "/api/v1/webhooks", { body: { url: "http://127.0.0.1:9/hook", events: ["*"] } }), 400);
      assert.match(http.detail, /must use https.*\[webhooks\] allow_private_networks/);
      const named = assertProblem(await s.request("POST", "/api/v1/webhooks", { body: { url: "https://localhost:9/hook", events: ["*"] } }), 400);
      assert.match(named.detail, /localhost resolves to .*\(loopback\).*\[webhooks\] allow_private_networks/);
      assert.ok(named.errors?.some((e) => e.field === "url"));
    });
  });
}

describe("start-up messages (sqlite)", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "arcan-newuser-"));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("prints the bootstrap token on the first start that gets its port, not on one that fails", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const { port } = blocker.address() as { port: number };
    const dataDir = tempDir();
    try {
      const failed = await spawnArcan({ ARCAN_DATA_DIR: dataDir, ARCAN_PORT: String(port) }).then(
        () => assert.fail("the server started on a port in use"),
        (e: { code: number; stderr: string }) => e,
      );
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /EADDRINUSE|in use/);
      assert.doesNotMatch(failed.stderr, /Admin token/);
    } finally {
      blocker.close();
    }
    const started = await spawnArcan({ ARCAN_DATA_DIR: dataDir });
    try {
      assert.match(started.adminToken ?? "", /^arc_/, `the next start prints it:\n${started.stderr()}`);
    } finally {
      started.child.kill("SIGTERM");
    }
  });

  it("reports every bad configuration value at once", async () => {
    const err = await spawnArcan({ ARCAN_DATA_DIR: tempDir(), ARCAN_PORT: "eighty", ARCAN_LOG_LEVEL: "loud", ARCAN_RATE_LIMIT_PER_IP: "0" }).then(
      () => assert.fail("the server started"),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 2);
    for (const name of ["ARCAN_PORT", "ARCAN_LOG_LEVEL", "ARCAN_RATE_LIMIT_PER_IP"]) assert.ok(err.stderr.includes(name), `${name} is named:\n${err.stderr}`);
  });

  it("warns at start when [webhooks] allow_private_networks is on", async () => {
    const started = await spawnArcan({ ARCAN_DATA_DIR: tempDir(), ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true" });
    try {
      assert.match(started.stderr(), /Warning: \[webhooks\] allow_private_networks is on/);
    } finally {
      started.child.kill("SIGTERM");
    }
  });
});
