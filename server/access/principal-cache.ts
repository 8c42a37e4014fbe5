/**
 * Principals of validated tokens and signed-in operators, kept in memory (LRU with a TTL)
 * so most requests authenticate without the store. Keyed by the token's SHA-256 (or
 * `user:<name>`); revoke, rotate and delete drop entries at once.
 */
import type { Principal } from "../rbac/principal";

export interface CacheStats {
  size: number;
  max_size: number;
  ttl_seconds: number;
  hits: number;
  misses: number;
  hit_rate: number;
  evictions: number;
}

export class PrincipalCache {
  private entries = new Map<string, { principal: Principal; at: number }>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  /** While the invalidation bus is down, another process's revocation could go unheard: nothing is served from memory. */
  private suspended = false;

  constructor(
    private readonly ttlSeconds: number,
    private readonly maxSize: number,
  ) {}

  get(hash: string, now = Date.now()): Principal | undefined {
    const entry = this.suspended ? undefined : this.entries.get(hash);
    if (!entry || now - entry.at >= this.ttlSeconds * 1000 || (entry.principal.expiresAt && entry.principal.expiresAt.getTime() <= now)) {
      if (entry) this.entries.delete(hash);
      this.misses++;
      return undefined;
    }
    // Re-insert to keep Map order as least-recently-used first.
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    this.hits++;
    return entry.principal;
  }

  set(hash: string, principal: Principal): void {
    if (this.ttlSeconds === 0 || this.suspended) return;
    this.entries.delete(hash);
    this.entries.set(hash, { principal, at: Date.now() });
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions++;
    }
  }

  /** Drops every entry of one token (its id), whatever value it was cached under. */
  dropToken(tokenId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal.kind === "token" && entry.principal.id === tokenId) this.entries.delete(hash);
  }

  clear(): void {
    this.entries.clear();
  }

  suspend(suspended: boolean): void {
    this.suspended = suspended;
    this.entries.clear();
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      size: this.entries.size,
      max_size: this.maxSize,
      ttl_seconds: this.ttlSeconds,
      hits: this.hits,
      misses: this.misses,
      hit_rate: lookups === 0 ? 0 : this.hits / lookups,
      evictions: this.evictions,
    };
  }
}
