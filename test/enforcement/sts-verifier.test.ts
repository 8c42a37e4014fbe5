// The MCP guard's local STS token verification, against a JWKS and revocation list served by
// a local HTTP server this test starts (jose ES256 keys): signature, kid refresh after a key
// rotation, exp, aud, typ, algorithm, and revoked jtis.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { InvalidTokenError, ServerError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { Core } from "../../sdk/src/core";
import { StsTokenVerifier } from "../../sdk/src/sts-verifier";

type Key = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

describe("STS token verifier (local JWKS)", () => {
  let server: Server;
  let baseUrl: string;
  const published: JWK[] = [];
  const revoked: { jti: string; revoked_at: string }[] = [];
  let jwksFetches = 0;
  let revocationsUp = true;
  let keyA: Key;
  let keyB: Key;
  let foreign: Key;
  let keyBPublic: JWK;

  const sign = (key: Key, kid: string, claims: Record<string, unknown> = {}, opts: { typ?: string; exp?: number; aud?: string } = {}) =>
    new SignJWT({ scope: "notes.read:note/* notes.share:note/*", task: "unit test", act: { sub: "agt_1" }, agent: { id: "agt_1", name: "tester", trust_tier: 2 }, ...claims })
      .setProtectedHeader({ alg: "ES256", kid, typ: opts.typ ?? "at+jwt" })
      .setIssuer(baseUrl)
      .setSubject("composite/token:1|agt_1|-")
      .setAudience(opts.aud ?? "arcan")
      .setIssuedAt()
      .setJti(`jti_${randomUUID()}`)
      .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 900)
      .sign(key);

  const verifier = (overrides: Partial<ConstructorParameters<typeof StsTokenVerifier>[0]> = {}) =>
    new StsTokenVerifier({ core: new Core({ url: baseUrl, token: "arc_test" }), audience: "arcan", revocationPollMs: 100, jwksCooldownMs: 0, ...overrides });

  before(async () => {
    const a = await generateKeyPair("ES256");
    const b = await generateKeyPair("ES256");
    const f = await generateKeyPair("ES256");
    keyA = a.privateKey;
    keyB = b.privateKey;
    foreign = f.privateKey;
    published.push({ ...(await exportJWK(a.publicKey)), kid: "key-a", alg: "ES256", use: "sig" });
    keyBPublic = { ...(await exportJWK(b.publicKey)), kid: "key-b", alg: "ES256", use: "sig" };
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/.well-known/jwks.json") {
        jwksFetches += 1;
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: published }));
      } else if (url.pathname === "/api/v1/sts/revocations" && revocationsUp) {
        assert.ok(url.searchParams.get("since"), "the poll says since when");
        assert.equal(req.headers.authorization, "Bearer arc_test");
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ items: revoked }));
      } else res.writeHead(404, { "Content-Type": "application/problem+json" }).end(JSON.stringify({ type: "about:blank", title: "Not found", status: 404, detail: "no", code: "route_not_found" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("accepts a token signed by a published key and reports the agent, scopes and expiry", async () => {
    const v = verifier();
    const token = await sign(keyA, "key-a");
    const info = await v.verifyAccessToken(token);
    assert.equal(info.token, token);
    assert.equal(info.clientId, "agt_1");
    assert.deepEqual(info.scopes, ["notes.read:note/*", "notes.share:note/*"]);
    assert.ok(info.expiresAt! > Date.now() / 1000);
    assert.equal(info.extra?.task, "unit test");
    v.close();
  });

  it("fetches the JWKS again when a token names an unknown kid (key rotation), and caches it otherwise", async () => {
    const v = verifier();
    await v.verifyAccessToken(await sign(keyA, "key-a"));
    const before = jwksFetches;
    await v.verifyAccessToken(await sign(keyA, "key-a"));
    assert.equal(jwksFetches, before, "a known kid is served from the cache");
    published.push(keyBPublic);
    await v.verifyAccessToken(await sign(keyB, "key-b"));
    assert.equal(jwksFetches, before + 1, "the unknown kid triggered one fetch");
    v.close();
  });

  it("refuses bad signatures, unknown keys, expired tokens, foreign audiences and other token types with InvalidTokenError", async () => {
    const v = verifier();
    const cases: [string, Promise<string>][] = [
      ["signed by a key Arcan never published, under a published kid", sign(foreign, "key-a")],
      ["unknown kid", sign(foreign, "key-x")],
      ["expired", sign(keyA, "key-a", {}, { exp: Math.floor(Date.now() / 1000) - 120 })],
      ["foreign audience", sign(keyA, "key-a", {}, { aud: "billing" })],
      ["not an access token", sign(keyA, "key-a", {}, { typ: "JWT" })],
    ];
    for (const [label, token] of cases) await assert.rejects(v.verifyAccessToken(await token), InvalidTokenError, label);
    const payload = (await sign(keyA, "key-a")).split(".")[1];
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${payload}.`;
    await assert.rejects(v.verifyAccessToken(unsigned), InvalidTokenError, "alg none");
    v.close();
  });

  it("refuses a revoked jti once the poll has seen it", async () => {
    const v = verifier();
    const token = await sign(keyA, "key-a");
    await v.verifyAccessToken(token);
    const jti = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).jti as string;
    revoked.push({ jti, revoked_at: new Date().toISOString() });
    let refused = false;
    for (let i = 0; i < 30 && !refused; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await v.verifyAccessToken(token).then(() => false, (err) => err instanceof InvalidTokenError);
    }
    assert.ok(refused, "the revoked token is refused");
    await v.verifyAccessToken(await sign(keyA, "key-a"));
    v.close();
  });

  it("fails closed (ServerError, a 500) while the revocation list was never loaded", async () => {
    revocationsUp = false;
    const v = verifier();
    try {
      await assert.rejects(v.verifyAccessToken(await sign(keyA, "key-a")), ServerError);
      revocationsUp = true;
      await v.verifyAccessToken(await sign(keyA, "key-a"));
    } finally {
      revocationsUp = true;
      v.close();
    }
  });
});
