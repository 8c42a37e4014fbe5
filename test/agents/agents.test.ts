// Agents and trusted issuers over real HTTPS: the agt_ credential shown once, validation,
// capabilities, disable, rotate, delete; trusted issuers with inline JWKS or a jwks_url,
// refusing private keys, symmetric keys and unfetchable URLs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hasValidChecksum } from "../../server/crypto/token-format";
import { assertNamesField, assertProblem, createToken, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import { ACCESS_TOKEN, AGENT_CREDENTIAL, assertOAuthError, GRANT, JWT_TYPE, makeIssuer, stsForm } from "./identity";

const CREDENTIAL = /^agt_[0-9A-Za-z]{30}$/;

for (const store of STORES) {
  describe(`agents and trusted issuers (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startCore(store);
    });
    after(() => s.cleanup());

    it("registers an agent whose agt_ credential is shown once and never again", async () => {
      const r = await s.request("POST", "/api/v1/agents", {
        body: { name: "invoice-reconciler", trust_tier: 2, allowed_scopes: ["jira.read:project/FIN-*", "confluence.write:space/FIN-OPS"], description: "reconciles" },
      });
      assert.equal(r.status, 201, r.text);
      assert.match(r.body.credential, CREDENTIAL);
      assert.ok(hasValidChecksum(r.body.credential), "the credential carries a checksum");
      assert.ok(r.body.credential.startsWith(r.body.prefix));
      assert.match(r.body.id, /^agn_[0-9a-f]{32}$/);
      assert.deepEqual(
        [r.body.name, r.body.trust_tier, r.body.allowed_scopes, r.body.disabled, r.body.description],
        ["invoice-reconciler", 2, ["jira.read:project/FIN-*", "confluence.write:space/FIN-OPS"], false, "reconciles"],
      );
      const got = await s.request("GET", `/api/v1/agents/${r.body.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.credential, undefined);
      assert.ok(!got.text.includes(r.body.credential.slice(8)));
      const list = await s.request("GET", "/api/v1/agents");
      assert.ok(list.body.items.some((a: { id: string }) => a.id === r.body.id));
      assert.ok(!list.text.includes(r.body.credential.slice(8)), "the list never shows the credential");
      assertProblem(await s.request("POST", "/api/v1/agents", { body: { name: "invoice-reconciler", trust_tier: 1, allowed_scopes: [] } }), 409, "agent_exists");
    });

    it("validates trust_tier 0–3 and the scope format", async () => {
      for (const trust_tier of [-1, 4, 1.5, "2"]) {
        assertNamesField(await s.request("POST", "/api/v1/agents", { body: { name: `a-${uid()}`, trust_tier, allowed_scopes: [] } }), "trust_tier");
      }
      for (const tier of [0, 3]) assert.equal((await s.request("POST", "/api/v1/agents", { body: { name: `a-${uid()}`, trust_tier: tier, allowed_scopes: [] } })).status, 201);
      assertNamesField(await s.request("POST", "/api/v1/agents", { body: { name: `a-${uid()}`, trust_tier: 1, allowed_scopes: ["has space:x/y"] } }), "allowed_scopes.0");
      assertNamesField(await s.request("POST", "/api/v1/agents", { body: { name: `a-${uid()}`, trust_tier: 1, allowed_scopes: ["a:b/c*d"] } }), "allowed_scopes.0");
      assertNamesField(await s.request("PATCH", `/api/v1/agents/agn_${"0".repeat(32)}`, { body: { trust_tier: 9 } }), "trust_tier");
    });

    it("changes, disables, rotates and deletes an agent; reads need agents:read, changes agents:manage", async () => {
      const a = await s.request("POST", "/api/v1/agents", { body: { name: `a-${uid()}`, trust_tier: 1, allowed_scopes: ["jira.read:*"] } });
      const patched = await s.request("PATCH", `/api/v1/agents/${a.body.id}`, { body: { trust_tier: 3, allowed_scopes: ["jira.*"], disabled: true } });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual([patched.body.trust_tier, patched.body.allowed_scopes, patched.body.disabled], [3, ["jira.*"], true]);
      const rotated = await s.request("POST", `/api/v1/agents/${a.body.id}/rotate`);
      assert.match(rotated.body.credential, CREDENTIAL);
      assert.notEqual(rotated.body.credential, a.body.credential);
      assert.ok(rotated.body.rotated_at);

      const reader = await createToken(s, { capabilities: ["agents:read"] });
      assert.equal((await s.request("GET", `/api/v1/agents/${a.body.id}`, { token: reader.token })).status, 200);
      assertProblem(await s.request("PATCH", `/api/v1/agents/${a.body.id}`, { token: reader.token, body: { disabled: false } }), 403, "missing_capability");
      assertProblem(await s.request("POST", "/api/v1/agents", { token: reader.token, body: { name: `a-${uid()}`, trust_tier: 1, allowed_scopes: [] } }), 403, "missing_capability");
      const nobody = await createToken(s, { capabilities: ["secrets:read"] });
      assertProblem(await s.request("GET", "/api/v1/agents", { token: nobody.token }), 403, "missing_capability");

      assert.equal((await s.request("DELETE", `/api/v1/agents/${a.body.id}`)).status, 204);
      assertProblem(await s.request("GET", `/api/v1/agents/${a.body.id}`), 404, "agent_not_found");
      const audit = await s.request("GET", `/api/v1/audit?action=agent.rotate&limit=10`);
      assert.equal(audit.status, 200, audit.text);
      assert.ok(audit.body.items.some((e: { resource: string }) => e.resource === `agent:${a.body.id}`), "rotation is audited");
    });

    it("keeps trusted issuers with an inline JWKS or a jwks_url, and refuses keys and URLs it must not use", async () => {
      const idp = await makeIssuer("https://idp.example", "EdDSA");
      const created = await s.request("POST", "/api/v1/trusted-issuers", { body: { name: "okta", kind: "user", issuer: idp.iss, jwks: idp.jwks } });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual([created.body.audience, created.body.jwks_url, created.body.network, created.body.allowed_scopes], ["arcan", null, null, null]);
      assertProblem(await s.request("POST", "/api/v1/trusted-issuers", { body: { name: "okta", kind: "user", issuer: idp.iss, jwks: idp.jwks } }), 409);
      const remote = await s.request("POST", "/api/v1/trusted-issuers", {
        body: { name: "k8s-prod", kind: "workload", issuer: "https://k8s.example", audience: "arcan", jwks_url: "https://k8s.example/openid/v1/jwks", network: "corp-vpn", allowed_scopes: ["jira.read:*"] },
      });
      assert.equal(remote.status, 201, remote.text);
      assert.equal(remote.body.jwks_url, "https://k8s.example/openid/v1/jwks");

      const bad = (body: Record<string, unknown>) => s.request("POST", "/api/v1/trusted-issuers", { body: { name: `i-${uid()}`, kind: "user", issuer: "https://x.example", ...body } });
      assertProblem(await bad({}), 400);
      assertProblem(await bad({ jwks: idp.jwks, jwks_url: "https://x.example/keys" }), 400);
      assertProblem(await bad({ jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }), 400);
      assertProblem(await bad({ jwks: { keys: [{ ...idp.publicJwk, d: "cHJpdmF0ZQ" }] } }), 400);
      assertProblem(await bad({ jwks: { keys: [{ ...idp.publicJwk, alg: "HS256" }] } }), 400);
      for (const url of ["http://x.example/keys", "https://127.0.0.1/keys", "https://169.254.169.254/latest", "https://[::1]/keys", "https://user:pw@x.example/keys"]) {
        assertProblem(await bad({ jwks_url: url }), 400, "jwks_url_refused");
      }
      assertProblem(await bad({ kind: "robot", jwks: idp.jwks }), 400);

      const patched = await s.request("PATCH", "/api/v1/trusted-issuers/k8s-prod", { body: { jwks: idp.jwks, allowed_scopes: null } });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual([patched.body.jwks_url, patched.body.allowed_scopes, patched.body.jwks.keys.length], [null, null, 1]);
      const list = await s.request("GET", "/api/v1/trusted-issuers");
      assert.deepEqual(list.body.items.map((i: { name: string }) => i.name), ["k8s-prod", "okta"]);
      const manager = await createToken(s, { capabilities: ["agents:manage"] });
      assertProblem(await s.request("GET", "/api/v1/trusted-issuers", { token: manager.token }), 403, "missing_capability");
      assert.equal((await s.request("DELETE", "/api/v1/trusted-issuers/k8s-prod")).status, 204);
      assertProblem(await s.request("GET", "/api/v1/trusted-issuers/k8s-prod"), 404, "trusted_issuer_not_found");
    });

    it("fetches a remote JWKS only where the SSRF rules allow: a name resolving to loopback is refused at connect time", async () => {
      const pod = await makeIssuer("https://pods.example", "ES256");
      const r = await s.request("POST", "/api/v1/trusted-issuers", { body: { name: "pods", kind: "workload", issuer: pod.iss, jwks_url: "https://localhost:9/keys" } });
      assert.equal(r.status, 201, r.text);
      const agent = await s.request("POST", "/api/v1/agents", { body: { name: `a-${uid()}`, trust_tier: 1, allowed_scopes: ["jira.read:*"] } });
      const user = await createToken(s, { capabilities: ["secrets:read"] });
      const reply = await stsForm(s, {
        grant_type: GRANT,
        subject_token: user.token,
        subject_token_type: ACCESS_TOKEN,
        actor_token: agent.body.credential,
        actor_token_type: AGENT_CREDENTIAL,
        workload_token: await pod.sign({ sub: "spiffe://pods/x" }),
        workload_token_type: JWT_TYPE,
        scope: "jira.read:project/X",
        task: "t",
      });
      assertOAuthError(reply, "invalid_request");
      assert.match(reply.body.error_description, /keys could not be fetched/);
      assert.ok(!/127\.0\.0\.1|::1|loopback/.test(reply.text), "the guard's details are not shown to the caller");
    });
  });
}
