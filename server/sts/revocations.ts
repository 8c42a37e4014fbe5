/**
 * Revoked STS token ids. Kept in memory for the per-request check and in the store for
 * other processes and stream consumers; a row lives until no token with that jti could
 * still be accepted (max_ttl plus leeway after the revocation).
 */
import type { Db } from "../store/client";
import { CLOCK_LEEWAY_S } from "./keys";

/** Revocations made by another process are picked up at most this late. */
const REFRESH_MS = 1_000;

export interface Revocation {
  jti: string;
  revoked_at: string;
  expires_at: string;
}

export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private loaded = false;
  private lastSeen = new Date(0);
  private refreshedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly deps: { db: Db; maxTtlSeconds: number }) {}

  async isRevoked(jti: string): Promise<boolean> {
    if (!this.loaded || Date.now() - this.refreshedAt > REFRESH_MS) await this.refresh();
    return this.revoked.has(jti);
  }

  async revoke(jti: string, by: string): Promise<Revocation> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + (this.deps.maxTtlSeconds + CLOCK_LEEWAY_S) * 1000);
    const row = await this.deps.db.stsRevocation.upsert({ where: { jti }, create: { jti, revokedAt: now, expiresAt, revokedBy: by }, update: {} });
    this.revoked.set(jti, row.expiresAt.getTime());
    return toRevocation(row);
  }

  /** A revocation another process announced (the store has it too; this skips the wait for the next refresh). */
  remember(jti: string, expiresAtMs: number): void {
    this.revoked.set(jti, expiresAtMs);
  }

  /** The next check reads every live revocation again (after a bus outage). */
  reload(): void {
    this.loaded = false;
    this.lastSeen = new Date(0);
  }

  async since(since: Date, limit: number): Promise<Revocation[]> {
    const rows = await this.deps.db.stsRevocation.findMany({ where: { revokedAt: { gt: since } }, orderBy: [{ revokedAt: "asc" }, { jti: "asc" }], take: limit });
    return rows.map(toRevocation);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const now = new Date();
      const rows = await this.deps.db.stsRevocation.findMany({ where: { revokedAt: { gte: this.lastSeen }, expiresAt: { gt: now } } });
      for (const row of rows) {
        this.revoked.set(row.jti, row.expiresAt.getTime());
        if (row.revokedAt > this.lastSeen) this.lastSeen = row.revokedAt;
      }
      for (const [jti, expires] of this.revoked) if (expires <= now.getTime()) this.revoked.delete(jti);
      this.loaded = true;
      this.refreshedAt = Date.now();
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }
}

function toRevocation(row: { jti: string; revokedAt: Date; expiresAt: Date }): Revocation {
  return { jti: row.jti, revoked_at: row.revokedAt.toISOString(), expires_at: row.expiresAt.toISOString() };
}
