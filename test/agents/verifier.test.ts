// The STS token verifier in-process against real SQLite and PostgreSQL stores (the one the
// authorize endpoint and the gateway use): a good token's fields, RFC 8725 attacks against
// our own keys, expiry with the 30 s leeway, audience, jti revocation, a disabled or
// deleted agent taking effect at once, and key rotation with overlap.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generateKeyPair, SignJWT } from "jose";
import pino from "pino";
import { loadConfig } from "../../server/config/config";
import { LocalKeyFileKms } from "../../server/crypto/kms";
import { createMetrics } from "../../server/observability/metrics";
import type { Actor } from "../../server/rbac/principal";
import { createServices, type Services } from "../../server/services";
import { openStore, type Store } from "../../server/store/client";
import { createDatabase, dropDatabase, STORES } from "../helpers/server";
import { AGENT_CREDENTIAL, decodeJwt, GRANT, hmacJwt, ID_TOKEN, makeIssuer, unsignedJwt, type TestIssuer } from "./identity";

const ADMIN: Actor = {
  principal: { subject: "token:tok_test", kind: "token", id: "tok_test", name: "test-admin", isAdmin: true, grants: [], rateLimit: null, expiresAt: null },
  requestId: "req_test",
  ip: null,
  via: "system",
};
const REQUEST = { requestId: "req_test", ip: null };

for (const store of STORES) {
  describe(`sts verifier (${store})`, () => {
    let dataDir: string;
    let databaseUrl: string | undefined;
    let db: Store;
    let services: Services;
    let idp: TestIssuer;
    let agent: { id: string; credential: string };

    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), "arcan-verifier-"));
      databaseUrl = store === "postgres" ? await createDatabase() : undefined;
      db = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
      const kms = LocalKeyFileKms.inDataDir(dataDir);
      kms.load();
      const config = loadConfig({ ARCAN_DATA_DIR: dataDir, ARCAN_STS_ISSUER: "https://arcan.test:8443" }, dataDir);
      services = createServices({ config, store: db, kms, logger: pino({ level: "silent" }), metrics: createMetrics() });
      idp = await makeIssuer("https://idp.verifier.test", "ES256");
      await services.trustedIssuers.create(ADMIN, { name: "idp", kind: "user", issuer: idp.iss, audience: "arcan", jwks: idp.jwks as never });
      agent = await services.agents.create(ADMIN, { name: "pk-93f", trust_tier: 2, allowed_scopes: ["jira.read:project/FIN-*"] });
    });
    after(async () => {
      await services.auditWriter.drain();
      await db.close();
      if (databaseUrl) await dropDatabase(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    });

    const issue = async (over: Record<string, string> = {}) =>
      (
        await services.sts.exchange(
          {
            grant_type: GRANT,
            subject_token: await idp.sign({ sub: "u.olsen@acme", roles: ["finance"] }),
            subject_token_type: ID_TOKEN,
            actor_token: agent.credential,
            actor_token_type: AGENT_CREDENTIAL,
            scope: "jira.read:project/FIN-OPS",
            task: "reconcile-invoices-q3",
            ...over,
          },
          REQUEST,
        )
      ).access_token;

    it("verifies a token it issued and returns the composite identity", async () => {
      const token = await issue();
      const v = await services.stsVerifier.verify(token);
      assert.ok(v.ok, v.ok ? "" : v.reason);
      const { payload } = decodeJwt(token);
      assert.deepEqual(v.token, {
        jti: payload.jti,
        sub: `composite/u.olsen@acme|${agent.id}|-`,
        exp: payload.exp,
        task: "reconcile-invoices-q3",
        scopes: ["jira.read:project/FIN-OPS"],
        audience: ["arcan"],
        user: { id: "u.olsen@acme", roles: ["finance"], groups: [] },
        agent: { id: agent.id, name: "pk-93f", trust_tier: 2 },
        workload: null,
        act: { sub: agent.id },
        constraints: payload.constraints,
      });
      assert.equal(payload.iss, "https://arcan.test:8443", "[sts] issuer");
    });

    it("checks the audience", async () => {
      const token = await issue({ audience: "gateway" });
      assert.deepEqual(await services.stsVerifier.verify(token), { ok: false, reason: "wrong audience" });
      assert.ok((await services.stsVerifier.verify(token, { audience: "gateway" })).ok);
      assert.deepEqual(await services.stsVerifier.verify(token), { ok: false, reason: "wrong audience" }, "also once its signature is known good");
      assert.equal((await services.stsVerifier.verify(await issue(), { audience: "gateway" })).ok, false);
    });

    it("refuses alg none, HS256 keyed with our public key, an unknown kid and a foreign key under our kid", async () => {
      const good = decodeJwt(await issue());
      const ourKey = (await services.sts.jwks()).keys[0]!;
      const claims = good.payload as Record<string, never>;
      const attacks = {
        none: unsignedJwt(claims),
        hs256: await hmacJwt(claims, new TextEncoder().encode(JSON.stringify(ourKey)), { kid: ourKey.kid, typ: "at+jwt" }),
        unknownKid: await foreignSigned(claims, "not-our-kid"),
        foreignUnderOurKid: await foreignSigned(claims, ourKey.kid),
        garbage: "not.a.jwt",
      };
      for (const [name, token] of Object.entries(attacks)) {
        const v = await services.stsVerifier.verify(token);
        assert.equal(v.ok, false, name);
      }
      const reasons = await Promise.all([attacks.none, attacks.hs256, attacks.unknownKid, attacks.foreignUnderOurKid].map(async (t) => ((await services.stsVerifier.verify(t)) as { reason: string }).reason));
      assert.match(reasons[0]!, /algorithm|not accepted|malformed/i);
      assert.match(reasons[1]!, /algorithm/);
      assert.equal(reasons[2], "unknown signing key");
      assert.equal(reasons[3], "bad signature");
    });

    it("expires tokens after exp plus the 30 s leeway", async (t) => {
      const token = await issue({ requested_ttl: "60" });
      const now = Date.now();
      t.mock.timers.enable({ apis: ["Date"], now: now + 60_000 + 20_000 });
      assert.ok((await services.stsVerifier.verify(token)).ok, "inside the leeway");
      t.mock.timers.setTime(now + 60_000 + 31_000);
      assert.deepEqual(await services.stsVerifier.verify(token), { ok: false, reason: "token expired" });
      t.mock.timers.reset();
    });

    it("refuses a revoked jti at once", async () => {
      const token = await issue();
      assert.ok((await services.stsVerifier.verify(token)).ok);
      await services.sts.revoke(ADMIN, { jti: String(decodeJwt(token).payload.jti) });
      assert.deepEqual(await services.stsVerifier.verify(token), { ok: false, reason: "token revoked" });
      assert.ok((await services.stsVerifier.verify(await issue())).ok, "other tokens are unaffected");
    });

    it("refuses tokens of a disabled or deleted agent at once", async () => {
      const other = await services.agents.create(ADMIN, { name: "short-lived", trust_tier: 0, allowed_scopes: ["jira.read:*"] });
      const token = await issue({ actor_token: other.credential });
      assert.ok((await services.stsVerifier.verify(token)).ok);
      await services.agents.update(ADMIN, other.id, { disabled: true });
      assert.deepEqual(await services.stsVerifier.verify(token), { ok: false, reason: "agent disabled" });
      await services.agents.update(ADMIN, other.id, { disabled: false });
      assert.ok((await services.stsVerifier.verify(token)).ok);
      await services.agents.delete(ADMIN, other.id);
      assert.deepEqual(await services.stsVerifier.verify(token), { ok: false, reason: "agent deleted" });
    });

    it("keeps the previous key published and accepted until its tokens have expired", async (t) => {
      const old = await issue();
      const oldKid = decodeJwt(old).header.kid;
      const rotation = await services.sts.rotateKeys(ADMIN);
      const fresh = await issue();
      assert.equal(decodeJwt(fresh).header.kid, rotation.kid);
      assert.deepEqual(new Set((await services.sts.jwks()).keys.map((k) => k.kid)), new Set([oldKid, rotation.kid]));
      assert.ok((await services.stsVerifier.verify(old)).ok, "an old token still verifies");
      assert.ok((await services.stsVerifier.verify(fresh)).ok);
      // Once every token the old key signed has expired, it is neither published nor accepted.
      t.mock.timers.enable({ apis: ["Date"], now: Date.parse(rotation.previous_published_until!) + 1000 });
      assert.deepEqual((await services.sts.jwks()).keys.map((k) => k.kid), [rotation.kid]);
      t.mock.timers.reset();
    });
  });
}

/** A token with our claims and header shape but signed by a key that is not ours. */
async function foreignSigned(claims: Record<string, never>, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256");
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid }).sign(privateKey);
}

