/**
 * Guardian 1 for API tokens: value → principal, through the principal cache (only
 * validated tokens are cached), the checksum (malformed values never reach the store),
 * the hash lookup, and last-used times gathered in memory.
 */
import type { PrincipalCache } from "../access/principal-cache";
import { constantTimeEqual, hashToken, isPlausibleToken } from "../crypto/token-format";
import type { Metrics } from "../observability/metrics";
import { bindingGrants, parseCapabilities } from "../rbac/grants";
import type { Principal } from "../rbac/principal";
import type { Db } from "../store/client";

export type TokenRow = NonNullable<Awaited<ReturnType<Db["token"]["findUnique"]>>>;

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: "invalid" | "expired" | "revoked" };

export interface TokenAuthenticatorDeps {
  db: Db;
  cache: Pick<PrincipalCache, "get" | "set">;
  metrics: Pick<Metrics, "tokenCache">;
}

export class TokenAuthenticator {
  private lastUsed = new Map<string, number>();
  private readonly cacheHits: ReturnType<Metrics["tokenCache"]["labels"]>;
  private readonly cacheMisses: ReturnType<Metrics["tokenCache"]["labels"]>;

  constructor(private readonly deps: TokenAuthenticatorDeps) {
    this.cacheHits = deps.metrics.tokenCache.labels("hit");
    this.cacheMisses = deps.metrics.tokenCache.labels("miss");
  }

  async authenticate(value: string): Promise<AuthResult> {
    // Only validated tokens are ever cached, so a hit needs no checksum check.
    const hash = hashToken(value);
    const cached = this.deps.cache.get(hash);
    if (cached) {
      this.cacheHits.inc();
      this.lastUsed.set(cached.id, Date.now());
      return { ok: true, principal: cached };
    }
    if (!isPlausibleToken(value)) return { ok: false, reason: "invalid" };
    this.cacheMisses.inc();
    const row = await this.deps.db.token.findUnique({ where: { hash } });
    if (!row || !constantTimeEqual(row.hash, hash)) return { ok: false, reason: "invalid" };
    if (row.revokedAt) return { ok: false, reason: "revoked" };
    if (row.expiresAt && row.expiresAt <= new Date()) return { ok: false, reason: "expired" };
    const principal = await this.principalOf(row);
    this.deps.cache.set(hash, principal);
    this.lastUsed.set(row.id, Date.now());
    return { ok: true, principal };
  }

  /** A token's principal: its own capabilities in its realms, plus its subject's role bindings. */
  async principalOf(row: TokenRow): Promise<Principal> {
    const subject = `token:${row.id}`;
    const own = parseCapabilities(row.capabilities);
    const realms = JSON.parse(row.realms) as string[];
    const grants = [...realms.map((realm) => ({ realm, capabilities: new Set(own) })), ...(await bindingGrants(this.deps.db, subject))];
    return { subject, kind: "token", id: row.id, name: row.name, isAdmin: row.isAdmin, grants, rateLimit: row.rateLimit, expiresAt: row.expiresAt };
  }

  /** Flushes last-used times gathered in memory (called every few seconds, and at shutdown). */
  async flushLastUsed(): Promise<void> {
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    for (const [id, at] of batch) await this.deps.db.token.updateMany({ where: { id }, data: { lastUsedAt: new Date(at) } });
  }
}
