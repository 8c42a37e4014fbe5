/**
 * Local verification of Arcan STS tokens (JWT, `typ: at+jwt`): the signature against Arcan's
 * JWKS (cached by jose, fetched again when a token names an unknown `kid`), `exp`, `aud`,
 * optionally `iss`, and the revocation list, polled from GET /api/v1/sts/revocations?since=.
 * Failures are the MCP SDK's OAuth errors, so `requireBearerAuth` answers 401 (bad token)
 * or 500 (Arcan's keys or revocations could not be loaded at all).
 */
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { InvalidTokenError, ServerError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { OAuthTokenVerifier } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { Core } from "./core.js";

/** How long a revoked jti is remembered when the list gives no expiry: longer than any STS token lives. */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
/** Each poll asks again for a margin before the previous one, so clock skew loses nothing. */
const OVERLAP_MS = 60 * 1000;

export interface StsVerifierOptions {
  core: Core;
  audience: string;
  issuer?: string;
  revocationPollMs: number;
  /** After a JWKS fetch, how long an unknown `kid` waits before the next fetch (jose's cooldown). */
  jwksCooldownMs?: number;
}

export interface StsClaims extends JWTPayload {
  task?: string;
  scope?: string;
  act?: { sub?: string };
  agent?: { id?: string; name?: string; trust_tier?: number };
  user?: unknown;
  workload?: unknown;
}

export class StsTokenVerifier implements OAuthTokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly revoked = new Map<string, number>();
  private synced: Promise<void> | null = null;
  private everSynced = false;
  private lastPollStart = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: StsVerifierOptions) {
    const fetchFn = options.core.fetch;
    this.jwks = createRemoteJWKSet(new URL(`${options.core.baseUrl}/.well-known/jwks.json`), {
      // Short: a token signed by a just-rotated key must not be refused for jose's default 30 s.
      cooldownDuration: options.jwksCooldownMs ?? 2000,
      [customFetch]: (url, init) => fetchFn(new Request(url, { method: init.method, headers: init.headers, redirect: init.redirect, signal: init.signal })),
    });
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    let claims: StsClaims;
    try {
      const verified = await jwtVerify<StsClaims>(token, this.jwks, {
        audience: this.options.audience,
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        algorithms: ["ES256", "RS256", "EdDSA"],
        typ: "at+jwt",
        clockTolerance: 30,
        requiredClaims: ["exp", "jti"],
      });
      claims = verified.payload;
    } catch (err) {
      throw toOAuthError(err);
    }
    await this.revocationsLoaded();
    if (this.revoked.has(claims.jti!)) throw new InvalidTokenError("The token has been revoked.");
    return {
      token,
      clientId: claims.agent?.id ?? claims.act?.sub ?? claims.sub ?? "unknown",
      scopes: (claims.scope ?? "").split(" ").filter(Boolean),
      expiresAt: claims.exp!,
      extra: { sub: claims.sub, jti: claims.jti, task: claims.task, agent: claims.agent, user: claims.user, workload: claims.workload },
    };
  }

  /** Stops the revocation poll (call it when the MCP server shuts down). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves once the revocation list was loaded at least once; a later failed poll keeps the last list. */
  private async revocationsLoaded(): Promise<void> {
    if (this.everSynced) return;
    this.synced ??= this.poll().finally(() => (this.synced = null));
    await this.synced;
    if (!this.everSynced) throw new ServerError("Arcan's token revocation list could not be loaded.");
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.options.revocationPollMs);
      this.timer.unref();
    }
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    const since = new Date(this.lastPollStart === 0 ? started - REMEMBER_MS : this.lastPollStart - OVERLAP_MS).toISOString();
    try {
      const answer = await this.options.core.send<unknown>("GET", `/api/v1/sts/revocations?since=${encodeURIComponent(since)}`);
      for (const entry of revocationEntries(answer)) this.revoked.set(entry.jti, entry.forgetAt ?? started + REMEMBER_MS);
      this.lastPollStart = started;
      this.everSynced = true;
    } catch {
      // Arcan unreachable: keep the list as it is; the next poll tries again.
    }
    for (const [jti, forgetAt] of this.revoked) if (forgetAt < started) this.revoked.delete(jti);
  }
}

/** The list's entries: `{items|revocations|jtis: [...]}` or an array, each a jti or `{jti, expires_at?}`. */
function revocationEntries(answer: unknown): { jti: string; forgetAt: number | null }[] {
  const list = Array.isArray(answer) ? answer : answer && typeof answer === "object" ? ((answer as Record<string, unknown>).items ?? (answer as Record<string, unknown>).revocations ?? (answer as Record<string, unknown>).jtis) : null;
  if (!Array.isArray(list)) return [];
  const entries: { jti: string; forgetAt: number | null }[] = [];
  for (const item of list) {
    if (typeof item === "string") entries.push({ jti: item, forgetAt: null });
    else if (item && typeof item === "object" && typeof (item as { jti?: unknown }).jti === "string") {
      const expires = Date.parse(String((item as { expires_at?: unknown }).expires_at ?? ""));
      entries.push({ jti: (item as { jti: string }).jti, forgetAt: Number.isNaN(expires) ? null : expires + OVERLAP_MS });
    }
  }
  return entries;
}

function toOAuthError(err: unknown): Error {
  if (err instanceof joseErrors.JWTExpired) return new InvalidTokenError("The token has expired.");
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new InvalidTokenError(`The token's "${err.claim}" claim is not acceptable.`);
  if (err instanceof joseErrors.JWKSTimeout) return new ServerError("Arcan's signing keys could not be fetched in time.");
  if (err instanceof joseErrors.JWKSInvalid || (err instanceof joseErrors.JOSEError && /Key Set HTTP response/.test(err.message))) return new ServerError("Arcan's signing keys could not be loaded.");
  if (err instanceof joseErrors.JOSEError) return new InvalidTokenError("The token's signature or format is not valid.");
  if (err instanceof TypeError || (err instanceof Error && /fetch|ECONNREFUSED|connect/i.test(err.message))) return new ServerError("Arcan's signing keys could not be fetched.");
  return new InvalidTokenError("The token is not valid.");
}
