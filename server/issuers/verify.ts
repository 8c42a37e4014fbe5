/**
 * Verification of tokens from trusted issuers (OIDC ID tokens, JWT-SVIDs, Kubernetes
 * service-account tokens) with jose, by the issuer whose `iss` the token names: a key of
 * that issuer's JWKS (remote sets cached and refetched on an unknown kid), RS256, ES256 or
 * EdDSA only, `iss`, `aud`, `exp` and `nbf` with 30 s leeway.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Db } from "../store/client";
import { guardedJwksFetch } from "./jwks-fetch";
import { ISSUER_ALGORITHMS } from "./schemas";

type IssuerRow = NonNullable<Awaited<ReturnType<Db["trustedIssuer"]["findUnique"]>>>;

export interface TrustedIssuer {
  name: string;
  kind: "user" | "workload";
  issuer: string;
  audience: string;
  network: string | null;
  allowedScopes: string[] | null;
}

export type IssuerVerification = { ok: true; issuer: TrustedIssuer; claims: JWTPayload } | { ok: false; reason: string };

const CLOCK_TOLERANCE_S = 30;
const ISSUERS_CACHE_MS = 2_000;

export function toTrustedIssuer(row: IssuerRow): TrustedIssuer {
  return {
    name: row.name,
    kind: row.kind as "user" | "workload",
    issuer: row.issuer,
    audience: row.audience,
    network: row.network,
    allowedScopes: row.allowedScopes === null ? null : (JSON.parse(row.allowedScopes) as string[]),
  };
}

export class IssuerVerifier {
  private rows: { list: IssuerRow[]; at: number } | null = null;
  private readonly keySets = new Map<string, { version: number; keys: JWTVerifyGetKey }>();

  constructor(private readonly deps: { db: Db; allowPrivateNetworks: boolean }) {}

  /** Drops what is cached about issuers (after one is created, changed or deleted). */
  forget(): void {
    this.rows = null;
    this.keySets.clear();
  }

  async verify(kind: "user" | "workload", token: string): Promise<IssuerVerification> {
    let iss: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (!(ISSUER_ALGORITHMS as readonly string[]).includes(String(header.alg))) return { ok: false, reason: `algorithm ${String(header.alg)} is not accepted` };
      // Only to choose the issuer whose keys are tried; nothing unverified is trusted.
      iss = decodeJwt(token).iss;
    } catch {
      return { ok: false, reason: "not a JWT" };
    }
    if (!iss) return { ok: false, reason: "the token has no iss" };
    const candidates = (await this.issuers()).filter((r) => r.kind === kind && r.issuer === iss);
    if (candidates.length === 0) return { ok: false, reason: `no trusted ${kind} issuer for ${iss}` };
    let reason = "";
    for (const row of candidates) {
      try {
        const { payload } = await jwtVerify(token, this.keySet(row), {
          issuer: row.issuer,
          audience: row.audience,
          algorithms: [...ISSUER_ALGORITHMS],
          clockTolerance: CLOCK_TOLERANCE_S,
          requiredClaims: ["exp", "sub"],
        });
        return { ok: true, issuer: toTrustedIssuer(row), claims: payload };
      } catch (err) {
        reason = `${row.name}: ${describe(err)}`;
      }
    }
    return { ok: false, reason };
  }

  private async issuers(): Promise<IssuerRow[]> {
    if (this.rows && Date.now() - this.rows.at < ISSUERS_CACHE_MS) return this.rows.list;
    const list = await this.deps.db.trustedIssuer.findMany();
    this.rows = { list, at: Date.now() };
    return list;
  }

  private keySet(row: IssuerRow): JWTVerifyGetKey {
    const version = row.updatedAt.getTime();
    const cached = this.keySets.get(row.name);
    if (cached && cached.version === version) return cached.keys;
    const keys = row.jwks
      ? createLocalJWKSet(JSON.parse(row.jwks) as Parameters<typeof createLocalJWKSet>[0])
      : createRemoteJWKSet(new URL(row.jwksUrl!), {
          timeoutDuration: 5_000,
          // An unknown kid refetches the set, at most every 5 s (so bogus kids cannot hammer the issuer).
          cooldownDuration: 5_000,
          cacheMaxAge: 10 * 60_000,
          [customFetch]: guardedJwksFetch(this.deps.allowPrivateNetworks),
        });
    this.keySets.set(row.name, { version, keys });
    return keys;
  }
}

/**
 * jose's error code and message, never the token. Anything else is a failed JWKS fetch,
 * whose details (addresses, the SSRF guard's verdict) are not for an unauthenticated caller.
 */
function describe(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (!code?.startsWith("ERR_J")) return "the issuer's keys could not be fetched";
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return `${code}: ${message}`;
}
