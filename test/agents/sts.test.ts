// The STS over real HTTPS: RFC 8693 exchange with an IdP's ID token, an agent credential and
// a SPIFFE workload token whose JWKS comes from a local HTTPS server; the issued token's
// claims and signature; RFC 8693 errors; RFC 8725 attacks; may_act; key rotation with
// overlap; revocation.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { createToken, sleep, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import {
  ACCESS_TOKEN, AGENT_CREDENTIAL, assertOAuthError, decodeJwt, GRANT, hmacJwt, ID_TOKEN, JWT_TYPE,
  makeIssuer, makeLocalCertificate, startJwksServer, stsForm, unsignedJwt, type JwksServer, type TestIssuer,
} from "./identity";

const FIN_SCOPES = "jira.read:project/FIN-OPS jira.write:project/FIN-OPS confluence.write:space/FIN-OPS github.read:repo/acme";

for (const store of STORES) {
  describe(`sts (${store})`, () => {
    let s: TestServer;
    let dir: string;
    let jwksServer: JwksServer;
    let idp: TestIssuer;
    let spiffe: TestIssuer;
    let agent: { id: string; name: string; credential: string };

    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), "arcan-sts-"));
      const tls = await makeLocalCertificate(dir);
      idp = await makeIssuer("https://idp.test.example", "RS256");
      spiffe = await makeIssuer("https://spiffe.prod.example", "ES256");
      jwksServer = await startJwksServer(tls, spiffe.jwks);
      s = await startCore(store, { NODE_EXTRA_CA_CERTS: tls.caFile, ARCAN_STS_ALLOW_PRIVATE_NETWORKS: "true" });
      const user = await s.request("POST", "/api/v1/trusted-issuers", { body: { name: "okta", kind: "user", issuer: idp.iss, audience: "arcan", jwks: idp.jwks } });
      assert.equal(user.status, 201, user.text);
      const workload = await s.request("POST", "/api/v1/trusted-issuers", {
        body: { name: "spiffe-prod", kind: "workload", issuer: spiffe.iss, audience: "arcan", jwks_url: jwksServer.url, network: "corp-vpn", allowed_scopes: ["jira.read:*", "jira.write:*"] },
      });
      assert.equal(workload.status, 201, workload.text);
      const created = await s.request("POST", "/api/v1/agents", {
        body: { name: "pk-93f", trust_tier: 2, allowed_scopes: ["jira.read:project/FIN-*", "jira.write:project/FIN-OPS", "confluence.write:space/FIN-OPS"] },
      });
      assert.equal(created.status, 201, created.text);
      agent = created.body;
    });
    after(async () => {
      await s.cleanup();
      await jwksServer.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const olsen = (claims: Record<string, unknown> = {}, opts?: Parameters<TestIssuer["sign"]>[1]) =>
      idp.sign({ sub: "u.olsen@acme", email: "u.olsen@acme.example", roles: ["finance"], groups: ["fin-ops"], ...claims }, opts);
    const pod = (opts?: Parameters<TestIssuer["sign"]>[1]) => spiffe.sign({ sub: "spiffe://prod.example/ns/sre/pod/sre-prod-4" }, opts);
    const exchange = async (over: Record<string, string | undefined> = {}) =>
      stsForm(s, {
        grant_type: GRANT,
        subject_token: await olsen(),
        subject_token_type: ID_TOKEN,
        actor_token: agent.credential,
        actor_token_type: AGENT_CREDENTIAL,
        scope: FIN_SCOPES,
        task: "reconcile-invoices-q3",
        ...over,
      });
    const jwks = async () => (await s.request("GET", "/.well-known/jwks.json", { token: null })).body as { keys: { kid: string }[] };

    it("issues a 15-minute ES256 at+jwt for user + agent + workload, with only the scopes every layer allows", async () => {
      const r = await exchange({ workload_token: await pod(), workload_token_type: JWT_TYPE });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.issued_token_type, JWT_TYPE);
      assert.equal(r.body.token_type, "Bearer");
      assert.equal(r.body.expires_in, 900);
      // confluence.write is not allowed by the workload issuer, github.read not by the agent.
      assert.equal(r.body.scope, "jira.read:project/FIN-OPS jira.write:project/FIN-OPS");
      const { header, payload } = decodeJwt(r.body.access_token);
      assert.deepEqual([header.alg, header.typ], ["ES256", "at+jwt"]);
      const keys = await jwks();
      assert.ok(keys.keys.some((k) => k.kid === header.kid), "signed by a published key");
      const verified = await jwtVerify(r.body.access_token, createLocalJWKSet(keys as never), { audience: "arcan", issuer: `https://127.0.0.1:${s.port}`, typ: "at+jwt" });
      assert.equal(verified.payload.sub, `composite/u.olsen@acme|${agent.id}|spiffe://prod.example/ns/sre/pod/sre-prod-4`);
      assert.equal(payload.task, "reconcile-invoices-q3");
      assert.equal(payload.scope, r.body.scope);
      assert.equal(Number(payload.exp) - Number(payload.iat), 900);
      assert.equal(typeof payload.jti, "string");
      assert.deepEqual(payload.act, { sub: agent.id });
      assert.deepEqual(payload.user, { id: "u.olsen@acme", email: "u.olsen@acme.example", roles: ["finance"], groups: ["fin-ops"] });
      assert.deepEqual(payload.agent, { id: agent.id, name: "pk-93f", trust_tier: 2 });
      assert.deepEqual(payload.workload, { sub: "spiffe://prod.example/ns/sre/pod/sre-prod-4", issuer: spiffe.iss, network: "corp-vpn" });
      assert.equal(typeof payload.constraints, "object");
      assert.ok(jwksServer.hits() >= 1, "the workload JWKS was fetched from the configured URL");
    });

    it("without a workload the composite has '-' for it and no workload claim; audience and requested_ttl are honoured", async () => {
      const r = await exchange({ audience: "billing-gateway", requested_ttl: "120" });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.scope, "jira.read:project/FIN-OPS jira.write:project/FIN-OPS confluence.write:space/FIN-OPS");
      assert.equal(r.body.expires_in, 120);
      const { payload } = decodeJwt(r.body.access_token);
      assert.equal(payload.sub, `composite/u.olsen@acme|${agent.id}|-`);
      assert.equal(payload.aud, "billing-gateway");
      assert.equal(payload.workload, undefined);
      const capped = await exchange({ requested_ttl: "999999" });
      assert.equal(capped.body.expires_in, 3600, "requested_ttl is capped by [sts] max_ttl");
    });

    it("accepts an Arcan API token as the subject: its principal and the names of its bound roles", async () => {
      const t = await createToken(s, { capabilities: ["secrets:read"] });
      const bound = await s.request("POST", "/api/v1/bindings", { body: { subject: t.subject, role: "secrets-reader", realm: "*" } });
      assert.equal(bound.status, 201, bound.text);
      const r = await exchange({ subject_token: t.token, subject_token_type: ACCESS_TOKEN, scope: "jira.read:project/FIN-A" });
      assert.equal(r.status, 200, r.text);
      const { payload } = decodeJwt(r.body.access_token);
      assert.deepEqual(payload.user, { id: t.subject, roles: ["secrets-reader"], groups: [] });
      assert.equal(payload.sub, `composite/${t.subject}|${agent.id}|-`);
      assertOAuthError(await exchange({ subject_token: "arc_notARealTokenAtAll000000000000", subject_token_type: ACCESS_TOKEN }), "invalid_request");
    });

    it("answers RFC 8693 errors as problem+json with error and error_description", async () => {
      assertOAuthError(await exchange({ grant_type: "client_credentials" }), "unsupported_grant_type");
      assertOAuthError(await exchange({ grant_type: undefined }), "unsupported_grant_type");
      assertOAuthError(await exchange({ actor_token_type: undefined }), "invalid_request");
      assertOAuthError(await exchange({ actor_token_type: JWT_TYPE }), "invalid_request");
      assertOAuthError(await exchange({ actor_token: undefined, actor_token_type: undefined }), "invalid_request");
      assertOAuthError(await exchange({ subject_token_type: undefined }), "invalid_request");
      assertOAuthError(await exchange({ workload_token: await pod() }), "invalid_request");
      assertOAuthError(await exchange({ task: undefined }), "invalid_request");
      assertOAuthError(await exchange({ task: "x".repeat(201) }), "invalid_request");
      assertOAuthError(await exchange({ scope: "github.read:repo/acme" }), "invalid_scope");
      assertOAuthError(await exchange({ scope: "" }), "invalid_scope");
      assertOAuthError(await exchange({ scope: "jira.read:project/*" }), "invalid_scope");
      assertOAuthError(await exchange({ scope: "not a scope" }), "invalid_scope");
      assertOAuthError(await exchange({ audience: "has space" }), "invalid_target");
      const json = await s.request("POST", "/api/v1/sts/token", { token: null, body: { grant_type: GRANT } });
      assert.equal(json.status, 415, "the body must be form-encoded");
    });

    it("refuses RFC 8725 attacks on the subject and workload tokens", async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: idp.iss, aud: "arcan", sub: "u.olsen@acme", iat: now, exp: now + 600 };
      const refused = async (subject: string, why: string, because: RegExp) => {
        const r = await exchange({ subject_token: subject });
        assertOAuthError(r, "invalid_request");
        assert.ok(!r.text.includes(subject), `the token is not echoed (${why})`);
        assert.match(r.body.error_description, because, why);
      };
      await refused(unsignedJwt(claims), "alg none", /algorithm none/);
      // HS256 keyed with the issuer's public key (the classic RS256→HS256 confusion).
      await refused(await hmacJwt(claims, new TextEncoder().encode(JSON.stringify(idp.publicJwk)), { kid: idp.kid }), "HS256 with the public JWK", /algorithm HS256/);
      await refused(await olsen({}, { aud: "someone-else" }), "wrong aud", /"aud"/);
      await refused(await olsen({ iat: now - 3600 }, { expiresIn: -60 }), "expired beyond the 30 s leeway", /EXPIRED/);
      await refused(await olsen({}, { notBefore: now + 600 }), "not yet valid", /"nbf"/);
      await refused(await olsen({}, { header: { kid: "no-such-kid" } }), "unknown kid", /NO_MATCHING_KEY/);
      const stranger = await makeIssuer(idp.iss, "RS256", idp.kid);
      await refused(await stranger.sign({ sub: "u.olsen@acme" }), "a key that is not the issuer's, under the issuer's kid", /SIGNATURE_VERIFICATION_FAILED/);
      const ecUnderRsaKid = await makeIssuer(idp.iss, "ES256", idp.kid);
      await refused(await ecUnderRsaKid.sign({ sub: "u.olsen@acme" }), "kid confusion: another algorithm under the issuer's kid", /NO_MATCHING_KEY/);
      const unknownIssuer = await makeIssuer("https://evil.example", "RS256");
      await refused(await unknownIssuer.sign({ sub: "u.olsen@acme" }), "an untrusted issuer", /no trusted user issuer/);
      // A workload token must come from a trusted workload issuer, not from the user IdP or a stranger.
      for (const token of [await idp.sign({ sub: "spiffe://prod.example/ns/sre/pod/x" }), await unknownIssuer.sign({ sub: "spiffe://evil/x" })]) {
        assertOAuthError(await exchange({ workload_token: token, workload_token_type: JWT_TYPE }), "invalid_request");
      }
      // A workload token is not accepted as a user.
      await refused(await pod(), "a workload token as subject", /no trusted user issuer/);
      const ok = await exchange({ subject_token: await olsen({ iat: now - 3600 }, { expiresIn: -10 }) });
      assert.equal(ok.status, 200, `within the 30 s leeway: ${ok.text}`);
    });

    it("honours may_act: the subject token must name this agent", async () => {
      assertOAuthError(await exchange({ subject_token: await olsen({ may_act: { sub: "some-other-agent" } }) }), "invalid_request");
      const byName = await exchange({ subject_token: await olsen({ may_act: { sub: "pk-93f" } }) });
      assert.equal(byName.status, 200, byName.text);
      const nested = await exchange({ subject_token: await olsen({ may_act: { sub: agent.id }, act: { sub: "upstream-orchestrator" } }) });
      assert.equal(nested.status, 200, nested.text);
      assert.deepEqual(decodeJwt(nested.body.access_token).payload.act, { sub: agent.id, act: { sub: "upstream-orchestrator" } });
    });

    it("refuses a disabled agent's credential and a rotated-away one", async () => {
      const a = await s.request("POST", "/api/v1/agents", { body: { name: `tmp-${uid()}`, trust_tier: 1, allowed_scopes: ["jira.read:*"] } });
      const withA = (credential: string) => exchange({ actor_token: credential, scope: "jira.read:project/X" });
      assert.equal((await withA(a.body.credential)).status, 200);
      const rotated = await s.request("POST", `/api/v1/agents/${a.body.id}/rotate`);
      assert.equal(rotated.status, 200, rotated.text);
      assertOAuthError(await withA(a.body.credential), "invalid_request");
      assert.equal((await withA(rotated.body.credential)).status, 200);
      assert.equal((await s.request("PATCH", `/api/v1/agents/${a.body.id}`, { body: { disabled: true } })).status, 200);
      assertOAuthError(await withA(rotated.body.credential), "invalid_request");
      assert.equal((await s.request("PATCH", `/api/v1/agents/${a.body.id}`, { body: { disabled: false } })).status, 200);
      assert.equal((await withA(rotated.body.credential)).status, 200);
      assert.equal((await s.request("DELETE", `/api/v1/agents/${a.body.id}`)).status, 204);
      assertOAuthError(await withA(rotated.body.credential), "invalid_request");
    });

    it("rotates signing keys with overlap: the JWKS lists both, old tokens still verify, new ones use the new kid", async () => {
      const before = await exchange();
      const oldKid = decodeJwt(before.body.access_token).header.kid;
      const denied = await s.request("POST", "/api/v1/sts/keys/rotate", { token: (await createToken(s, { capabilities: ["agents:manage"] })).token });
      assert.equal(denied.status, 403, "rotation needs admin");
      const r = await s.request("POST", "/api/v1/sts/keys/rotate");
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.previous_kid, oldKid);
      assert.notEqual(r.body.kid, oldKid);
      assert.ok(Date.parse(r.body.previous_published_until) >= Date.now() + 3600_000, "published until every old token has expired");
      const keys = await jwks();
      assert.deepEqual(new Set(keys.keys.map((k) => k.kid)), new Set([oldKid, r.body.kid]));
      const set = createLocalJWKSet(keys as never);
      await jwtVerify(before.body.access_token, set, { audience: "arcan" });
      const afterRotation = await exchange();
      assert.equal(decodeJwt(afterRotation.body.access_token).header.kid, r.body.kid);
      await jwtVerify(afterRotation.body.access_token, set, { audience: "arcan" });
    });

    it("revokes by jti and lists revocations since a time", async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const t = await exchange();
      const jti = String(decodeJwt(t.body.access_token).payload.jti);
      const r = await s.request("POST", "/api/v1/sts/revoke", { body: { jti } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.jti, jti);
      const list = await s.request("GET", `/api/v1/sts/revocations?since=${encodeURIComponent(since)}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.items.map((i: { jti: string }) => i.jti), [jti]);
      const later = await s.request("GET", `/api/v1/sts/revocations?since=${encodeURIComponent(r.body.revoked_at)}`);
      assert.deepEqual(later.body.items, []);
      const reader = await createToken(s, { capabilities: ["agents:read"] });
      assert.equal((await s.request("POST", "/api/v1/sts/revoke", { token: reader.token, body: { jti } })).status, 403);
      assert.equal((await s.request("GET", "/api/v1/sts/revocations", { token: reader.token })).status, 200);
    });

    it("refetches a remote JWKS when a workload token names a kid it has not seen", async () => {
      const next = await makeIssuer(spiffe.iss, "ES256", "es256-key-2");
      jwksServer.setKeys({ keys: [...spiffe.jwks.keys, next.publicJwk] });
      // jose refetches on an unknown kid only after its cooldown since the last fetch.
      await sleep(5_200);
      const fetched = jwksServer.hits();
      const r = await exchange({ workload_token: await next.sign({ sub: "spiffe://prod.example/ns/sre/pod/sre-prod-5" }), workload_token_type: JWT_TYPE });
      assert.equal(r.status, 200, r.text);
      assert.equal(jwksServer.hits(), fetched + 1);
      assert.match(String(decodeJwt(r.body.access_token).payload.sub), /\|spiffe:\/\/prod\.example\/ns\/sre\/pod\/sre-prod-5$/);
    });
  });
}
