/**
 * ctx.storage rows: reachable only with a ResolvedRealm (from the realm directory) and a
 * mount id, and every query is filtered by both, so one mount's plugin cannot read
 * another mount's or another realm's keys.
 */
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";

export class PluginStorageRows {
  constructor(
    private readonly db: Db,
    private readonly realm: ResolvedRealm,
    private readonly mountId: string,
  ) {}

  async get(key: string): Promise<string | null> {
    const row = await this.db.pluginStorage.findUnique({ where: { realmId_mountId_key: { realmId: this.realm.id, mountId: this.mountId, key } } });
    return row?.value ?? null;
  }

  async put(key: string, value: string): Promise<void> {
    const where = { realmId_mountId_key: { realmId: this.realm.id, mountId: this.mountId, key } };
    await this.db.pluginStorage.upsert({ where, create: { realmId: this.realm.id, mountId: this.mountId, key, value }, update: { value } });
  }

  async delete(key: string): Promise<boolean> {
    const { count } = await this.db.pluginStorage.deleteMany({ where: { realmId: this.realm.id, mountId: this.mountId, key } });
    return count > 0;
  }

  /** A deleted mount's keys. */
  async clear(): Promise<void> {
    await this.db.pluginStorage.deleteMany({ where: { realmId: this.realm.id, mountId: this.mountId } });
  }
}
