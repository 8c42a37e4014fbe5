/**
 * Realm name → id, cached briefly: the policy guardian resolves a realm on every
 * realm-scoped request. Changes made by this process invalidate at once.
 */
import type { Db } from "../store/client";
import { asResolvedRealm, type ResolvedRealm } from "../store/realm-scoped";

const TTL_MS = 5_000;

export class RealmDirectory {
  private cache = new Map<string, { realm: ResolvedRealm | null; at: number }>();

  constructor(private readonly db: Db) {}

  async byName(name: string): Promise<ResolvedRealm | null> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.realm;
    const row = await this.db.realm.findUnique({ where: { name }, select: { id: true, name: true } });
    const realm = row ? asResolvedRealm(row) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(name, { realm, at: Date.now() });
    return realm;
  }

  /** For background work that holds a realm id from the store (the lease reaper); not cached. */
  async byId(id: string): Promise<ResolvedRealm | null> {
    const row = await this.db.realm.findUnique({ where: { id }, select: { id: true, name: true } });
    return row ? asResolvedRealm(row) : null;
  }

  invalidate(name: string): void {
    this.cache.delete(name);
  }
}
