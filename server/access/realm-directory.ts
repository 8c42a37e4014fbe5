/**
 * Realm name → id, cached briefly: the policy guardian resolves a realm on every
 * realm-scoped request. Changes invalidate at once (other processes' through the invalidation bus). This is the only
 * place that mints a `ResolvedRealm` (the key to the realm-scoped store).
 */
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";

const TTL_MS = 5_000;

export class RealmDirectory {
  private cache = new Map<string, { realm: ResolvedRealm | null; at: number }>();

  constructor(private readonly deps: { db: Db }) {}

  async byName(name: string): Promise<ResolvedRealm | null> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.realm;
    const row = await this.deps.db.realm.findUnique({ where: { name }, select: { id: true, name: true } });
    const realm = row ? this.adopt(row) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(name, { realm, at: Date.now() });
    return realm;
  }

  /** For background work that holds a realm id from the store (the lease reaper); not cached. */
  async byId(id: string): Promise<ResolvedRealm | null> {
    const row = await this.deps.db.realm.findUnique({ where: { id }, select: { id: true, name: true } });
    return row ? this.adopt(row) : null;
  }

  /** A realm row the caller has just created (it was allowed to create it, so it may reach it). */
  adopt(row: { id: string; name: string }): ResolvedRealm {
    return { id: row.id, name: row.name } as ResolvedRealm;
  }

  invalidate(name: string): void {
    this.cache.delete(name);
  }

  clear(): void {
    this.cache.clear();
  }
}
