/**
 * Test identity providers for the agent-authorization suites: an OIDC IdP and a SPIFFE
 * workload issuer with their own keys (jose), the STS form post, and a JWKS over a local
 * HTTPS server whose certificate the Arcan process trusts through NODE_EXTRA_CA_CERTS.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";
import { generate } from "selfsigned";
import type { Reply, TestServer } from "../helpers/server";

export const GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
export const ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
export const AGENT_CREDENTIAL = "urn:arcan:params:oauth:token-type:agent_credential";
export const JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

export interface TestIssuer {
  iss: string;
  kid: string;
  alg: "RS256" | "ES256" | "EdDSA";
  privateKey: CryptoKey;
  publicJwk: JWK;
  jwks: { keys: JWK[] };
  /** A token with the given claims; `iat`/`exp` default to now and now + 1 h. */
  sign(claims: JWTPayload, opts?: { header?: Record<string, unknown>; aud?: string; expiresIn?: number; notBefore?: number }): Promise<string>;
}

export async function makeIssuer(iss: string, alg: TestIssuer["alg"] = "RS256", kid = `${alg.toLowerCase()}-key-1`): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return {
    iss,
    kid,
    alg,
    privateKey,
    publicJwk,
    jwks: { keys: [publicJwk] },
    sign(claims, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ iat: now, exp: now + (opts.expiresIn ?? 3600), ...claims })
        .setProtectedHeader({ alg, kid, typ: "JWT", ...opts.header })
        .setIssuer(iss)
        .setAudience(opts.aud ?? "arcan");
      if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore);
      return jwt.sign(privateKey);
    },
  };
}

/** An unsigned JWT (`alg: none`), as an attacker would send it. */
export function unsignedJwt(payload: JWTPayload): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
}

/** A JWT signed with HMAC-SHA256 under an arbitrary secret (e.g. the issuer's public key text). */
export async function hmacJwt(payload: JWTPayload, secret: Uint8Array, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT", ...header }).sign(secret);
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split(".");
  return { header: JSON.parse(Buffer.from(h!, "base64url").toString()), payload: JSON.parse(Buffer.from(p!, "base64url").toString()) };
}

export function stsForm(s: TestServer, fields: Record<string, string | undefined>): Promise<Reply> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  return s.request("POST", "/api/v1/sts/token", { token: null, rawBody: form.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
}

/** Asserts an OAuth error as problem+json: status 400, `error` and `code` the OAuth code, a description. */
export function assertOAuthError(reply: Reply, error: string): void {
  assert.equal(reply.status, 400, reply.text);
  assert.match(String(reply.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(reply.body.error, error, reply.text);
  assert.equal(reply.body.code, error);
  assert.equal(typeof reply.body.error_description, "string");
  assert.ok(reply.body.error_description.length > 0);
}

export interface JwksServer {
  url: string;
  hits: () => number;
  setKeys(jwks: { keys: JWK[] }): void;
  close(): Promise<void>;
}

/** Writes a self-signed certificate for 127.0.0.1 into `dir` and returns its path (for NODE_EXTRA_CA_CERTS) and PEMs. */
export async function makeLocalCertificate(dir: string): Promise<{ caFile: string; key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  const caFile = path.join(dir, "jwks-ca.crt");
  writeFileSync(caFile, pems.cert);
  return { caFile, key: pems.private, cert: pems.cert };
}

/** Serves a JWKS over HTTPS on 127.0.0.1 and counts the fetches. */
export async function startJwksServer(tls: { key: string; cert: string }, jwks: { keys: JWK[] }): Promise<JwksServer> {
  let current = jwks;
  let hits = 0;
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    hits++;
    if (req.url !== "/keys") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.stringify(current);
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}/keys`,
    hits: () => hits,
    setKeys: (k) => (current = k),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
