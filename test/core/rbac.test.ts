// Realms, roles and bindings over real HTTPS, and ResolveRealm: a realm the caller may not
// see answers exactly like one that does not exist.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertNamesField, assertProblem, createRealm, createToken, putSecret, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";

const BUILTIN_ROLES = ["admin", "auditor", "read-only", "secrets-reader", "secrets-writer", "token-manager"];

for (const store of STORES) {
  describe(`realms and RBAC (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startCore(store);
    });
    after(() => s.cleanup());

    it("creates, lists, reads, updates and deletes a realm", async () => {
      const name = `crud-${uid()}`;
      const created = await s.request("POST", "/api/v1/realms", { body: { name, description: "first" } });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.name, name);
      assert.equal(created.body.description, "first");
      assert.ok(!Number.isNaN(Date.parse(created.body.created_at)));
      const list = await s.request("GET", "/api/v1/realms");
      assert.ok(list.body.items.some((r: { name: string }) => r.name === name));
      assert.equal((await s.request("GET", `/api/v1/realms/${name}`)).body.description, "first");
      const patched = await s.request("PATCH", `/api/v1/realms/${name}`, { body: { description: "second" } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal((await s.request("GET", `/api/v1/realms/${name}`)).body.description, "second");
      await putSecret(s, name, "k", "v");
      assert.equal((await s.request("DELETE", `/api/v1/realms/${name}`)).status, 204);
      assertProblem(await s.request("GET", `/api/v1/realms/${name}`), 404, "realm_not_found");
      assertProblem(await s.request("GET", `/api/v1/realms/${name}/secrets/k`), 404, "realm_not_found");
      assert.ok(!(await s.request("GET", "/api/v1/realms")).body.items.some((r: { name: string }) => r.name === name));
      await createRealm(s, name);
      assertProblem(await s.request("GET", `/api/v1/realms/${name}/secrets/k`), 404, "secret_not_found");
    });

    it("validates realm names and refuses duplicates with 409", async () => {
      const before = (await s.request("GET", "/api/v1/realms")).body.items.length;
      for (const name of ["Upper", "under_score", "-lead", "trail-", "", "a b", "dot.ted", "x".repeat(64), "é"]) {
        assertNamesField(await s.request("POST", "/api/v1/realms", { body: { name } }), "name");
      }
      assertNamesField(await s.request("POST", "/api/v1/realms", { body: {} }), "name");
      assert.equal((await s.request("GET", "/api/v1/realms")).body.items.length, before, "nothing was created");
      const longest = `${"a".repeat(55)}${uid()}`;
      assert.equal((await s.request("POST", "/api/v1/realms", { body: { name: longest } })).status, 201);
      assert.equal((await s.request("POST", "/api/v1/realms", { body: { name: "7" } })).status, 201);
      assertProblem(await s.request("POST", "/api/v1/realms", { body: { name: longest } }), 409, "realm_exists");
    });

    it("lists the built-in roles and keeps them immutable", async () => {
      const r = await s.request("GET", "/api/v1/roles");
      assert.equal(r.status, 200);
      for (const name of BUILTIN_ROLES) {
        const role = r.body.items.find((x: { name: string }) => x.name === name);
        assert.ok(role, `built-in role ${name}`);
        assert.equal(role.builtin, true);
      }
      const reader = await s.request("GET", "/api/v1/roles/secrets-reader");
      assert.deepEqual(reader.body.capabilities.sort(), ["realms:read", "secrets:read"]);
      assertProblem(await s.request("PATCH", "/api/v1/roles/secrets-reader", { body: { capabilities: ["admin"] } }), 409, "role_builtin");
      assertProblem(await s.request("DELETE", "/api/v1/roles/admin"), 409, "role_builtin");
      assert.deepEqual((await s.request("GET", "/api/v1/roles/secrets-reader")).body.capabilities, reader.body.capabilities);
    });

    it("creates, updates and deletes a custom role", async () => {
      const name = `deployer-${uid()}`;
      const created = await s.request("POST", "/api/v1/roles", { body: { name, description: "ci", capabilities: ["secrets:read"] } });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.builtin, false);
      assertProblem(await s.request("POST", "/api/v1/roles", { body: { name, capabilities: ["secrets:read"] } }), 409, "role_exists");
      assertNamesField(await s.request("POST", "/api/v1/roles", { body: { name: `x-${uid()}`, capabilities: ["secrets:fly"] } }), "capabilities.0");
      assertNamesField(await s.request("POST", "/api/v1/roles", { body: { name: `x-${uid()}`, capabilities: [] } }), "capabilities");
      assertNamesField(await s.request("POST", "/api/v1/roles", { body: { name: "Bad Name", capabilities: ["secrets:read"] } }), "name");
      const patched = await s.request("PATCH", `/api/v1/roles/${name}`, { body: { capabilities: ["secrets:read", "secrets:write"] } });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual((await s.request("GET", `/api/v1/roles/${name}`)).body.capabilities.sort(), ["secrets:read", "secrets:write"]);
      assert.equal((await s.request("DELETE", `/api/v1/roles/${name}`)).status, 204);
      assertProblem(await s.request("GET", `/api/v1/roles/${name}`), 404, "role_not_found");
    });

    it("a binding gives a token with no capabilities secrets-reader in realm A only", async () => {
      const a = `bind-a-${uid()}`;
      const b = `bind-b-${uid()}`;
      await createRealm(s, a);
      await createRealm(s, b);
      await putSecret(s, a, "db-password", "value-in-a");
      await putSecret(s, b, "db-password", "value-in-b");
      const t = await createToken(s, {});
      const read = (realm: string) => s.request("GET", `/api/v1/realms/${realm}/secrets/db-password`, { token: t.token });
      assertProblem(await read(a), 404, "realm_not_found");

      const bound = await s.request("POST", "/api/v1/bindings", { body: { subject: t.subject, role: "secrets-reader", realm: a } });
      assert.equal(bound.status, 201, bound.text);
      assert.match(bound.body.id, /^bnd_/);
      assert.deepEqual({ ...bound.body, id: undefined, created_at: undefined }, { id: undefined, created_at: undefined, subject: t.subject, role: "secrets-reader", realm: a });
      const ok = await read(a);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.value, "value-in-a");
      assertProblem(await read(b), 404, "realm_not_found");
      assertProblem(await s.request("PUT", `/api/v1/realms/${a}/secrets/db-password`, { token: t.token, body: { value: "x" } }), 403, "missing_capability");
      const visible = await s.request("GET", "/api/v1/realms", { token: t.token });
      assert.deepEqual(visible.body.items.map((r: { name: string }) => r.name), [a]);
      assert.equal((await read(a)).body.value, "value-in-a", "the refused write changed nothing");

      const list = await s.request("GET", "/api/v1/bindings");
      assert.ok(list.body.items.some((x: { id: string }) => x.id === bound.body.id));
      assertProblem(await s.request("POST", "/api/v1/bindings", { body: { subject: t.subject, role: "secrets-reader", realm: a } }), 409, "binding_exists");
      assertNamesField(await s.request("POST", "/api/v1/bindings", { body: { subject: t.subject, role: "no-such-role", realm: a } }), "role");
      assertNamesField(await s.request("POST", "/api/v1/bindings", { body: { subject: `token:tok_${"0".repeat(32)}`, role: "secrets-reader", realm: a } }), "subject");
      assertNamesField(await s.request("POST", "/api/v1/bindings", { body: { subject: "group:x", role: "secrets-reader", realm: a } }), "subject");

      assert.equal((await s.request("DELETE", `/api/v1/bindings/${bound.body.id}`)).status, 204);
      assertProblem(await read(a), 404, "realm_not_found");
      assertProblem(await s.request("DELETE", `/api/v1/bindings/${bound.body.id}`), 404);
    });

    it("a binding cannot grant more than its creator holds", async () => {
      const a = `grant-${uid()}`;
      await createRealm(s, a);
      const manager = await createToken(s, { capabilities: ["roles:write", "roles:read"] });
      const target = await createToken(s, {});
      const r = await s.request("POST", "/api/v1/bindings", { token: manager.token, body: { subject: target.subject, role: "secrets-writer", realm: a } });
      assertProblem(r, 403);
      assertProblem(await s.request("POST", "/api/v1/bindings", { token: manager.token, body: { subject: manager.subject, role: "admin", realm: "*" } }), 403);
      const roleName = `mine-${uid()}`;
      assertProblem(await s.request("POST", "/api/v1/roles", { token: manager.token, body: { name: roleName, capabilities: ["admin"] } }), 403, "exceeds_issuer");
      assert.equal((await s.request("POST", "/api/v1/roles", { token: manager.token, body: { name: roleName, capabilities: ["roles:read"] } })).status, 201);
      assertProblem(await s.request("PATCH", `/api/v1/roles/${roleName}`, { token: manager.token, body: { capabilities: ["secrets:read"] } }), 403, "exceeds_issuer");
      assert.deepEqual((await s.request("GET", `/api/v1/roles/${roleName}`)).body.capabilities, ["roles:read"]);
      assert.ok(!(await s.request("GET", "/api/v1/bindings")).body.items.some((x: { subject: string }) => x.subject === target.subject));
    });

    it("answers a hidden realm exactly like a missing one, and 403 for a missing capability", async () => {
      const mine = `mine-${uid()}`;
      const hidden = `hidden-${uid()}`;
      await createRealm(s, mine);
      await createRealm(s, hidden);
      await putSecret(s, hidden, "k", "v");
      const t = await createToken(s, { capabilities: ["secrets:read", "realms:read"], realms: [mine] });
      const missing = `missing-${uid()}`;
      for (const suffix of ["", "/secrets", "/secrets/k", "/secrets/k/versions"]) {
        const seen = assertProblem(await s.request("GET", `/api/v1/realms/${hidden}${suffix}`, { token: t.token }), 404);
        const none = assertProblem(await s.request("GET", `/api/v1/realms/${missing}${suffix}`, { token: t.token }), 404);
        assert.equal(seen.code, none.code, suffix);
        assert.equal(seen.title, none.title);
        assert.equal(seen.type, none.type);
        assert.equal(seen.detail.replace(hidden, "R"), none.detail.replace(missing, "R"), "the detail does not tell them apart");
      }
      assertProblem(await s.request("PUT", `/api/v1/realms/${mine}/secrets/k`, { token: t.token, body: { value: "x" } }), 403, "missing_capability");
      assertProblem(await s.request("DELETE", `/api/v1/realms/${mine}`, { token: t.token }), 403, "missing_capability");
      assertProblem(await s.request("POST", "/api/v1/realms", { token: t.token, body: { name: `new-${uid()}` } }), 403, "missing_capability");
    });
  });
}
