/**
 * Guardian 6: the only way to reach realm-owned rows. A `ResolvedRealm` can be had only
 * from the realm directory (server/access/realm-directory.ts, after the policy guardian let
 * the caller see the realm), and every query below is filtered by its id, so a handler
 * cannot forget the realm.
 */
import type { Db } from "./client";
import type { FastPath, SecretVersionRow } from "./fast-path";

declare const resolved: unique symbol;
export interface ResolvedRealm {
  readonly id: string;
  readonly name: string;
  readonly [resolved]: true;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

// Classes rather than object literals of arrow functions: a store is built on every
// request, and prototype methods are not re-created each time.

class RealmKeyRows {
  constructor(
    private readonly db: Db | Tx,
    private readonly realmId: string,
  ) {}

  latest() {
    return this.db.realmKey.findFirst({ where: { realmId: this.realmId }, orderBy: { version: "desc" } });
  }

  byVersion(version: number) {
    return this.db.realmKey.findUnique({ where: { realmId_version: { realmId: this.realmId, version } } });
  }

  create(version: number, wrappedKey: string, kekId: string) {
    return this.db.realmKey.create({ data: { realmId: this.realmId, version, wrappedKey, kekId } });
  }
}

class SecretRows {
  constructor(
    private readonly db: Db | Tx,
    private readonly realmId: string,
    private readonly fast: FastPath | null,
  ) {}

  list(opts: { take: number; afterKey?: string }) {
    return this.db.secret.findMany({
      where: { realmId: this.realmId, ...(opts.afterKey ? { key: { gt: opts.afterKey } } : {}) },
      orderBy: { key: "asc" },
      take: opts.take,
    });
  }

  find(key: string) {
    return this.db.secret.findUnique({ where: { realmId_key: { realmId: this.realmId, key } } });
  }

  /** The current version (or `version`) with its ciphertext: the hot path of every secret read. */
  async readVersion(key: string, version?: number): Promise<SecretVersionRow | null> {
    const quick = this.fast?.readSecret(this.realmId, key, version);
    if (quick !== undefined) return quick;
    const secret = await this.db.secret.findUnique({
      where: { realmId_key: { realmId: this.realmId, key } },
      include: { versions: { where: { version: version ?? undefined }, orderBy: { version: "desc" }, take: 1 } },
    });
    const v = secret?.versions[0];
    if (!secret || !v || (version === undefined && v.version !== secret.currentVersion)) return null;
    return { secretCreatedAt: secret.createdAt, version: v.version, ciphertext: v.ciphertext, keyVersion: v.keyVersion, versionCreatedAt: v.createdAt };
  }

  versions(secretId: string) {
    return this.db.secretVersion.findMany({
      where: { secretId, secret: { realmId: this.realmId } },
      orderBy: { version: "desc" },
      select: { version: true, createdAt: true, createdBy: true, keyVersion: true },
    });
  }

  create(data: { id: string; key: string; ciphertext: string; keyVersion: number; createdBy: string }) {
    return this.db.secret.create({
      data: {
        id: data.id,
        realmId: this.realmId,
        key: data.key,
        currentVersion: 1,
        versions: { create: { version: 1, ciphertext: data.ciphertext, keyVersion: data.keyVersion, createdBy: data.createdBy } },
      },
    });
  }

  /** Adds a version only if the current one is still `expected` (optimistic concurrency). */
  async addVersion(secretId: string, expected: number, data: { ciphertext: string; keyVersion: number; createdBy: string }): Promise<boolean> {
    const bumped = await this.db.secret.updateMany({
      where: { id: secretId, realmId: this.realmId, currentVersion: expected },
      data: { currentVersion: expected + 1 },
    });
    if (bumped.count !== 1) return false;
    await this.db.secretVersion.create({ data: { secretId, version: expected + 1, ...data } });
    return true;
  }

  delete(key: string) {
    return this.db.secret.deleteMany({ where: { realmId: this.realmId, key } });
  }
}

/** Role bindings in this realm. Bindings in every realm ("*", realmId null) belong to no realm; the role service handles those itself. */
class BindingRows {
  constructor(
    private readonly db: Db | Tx,
    private readonly realmId: string,
  ) {}

  find(id: string) {
    return this.db.binding.findFirst({ where: { id, realmId: this.realmId }, include: { role: true } });
  }

  findSame(subject: string, roleId: string) {
    return this.db.binding.findFirst({ where: { subject, roleId, realmId: this.realmId } });
  }

  create(data: { id: string; subject: string; roleId: string }) {
    return this.db.binding.create({ data: { ...data, realmId: this.realmId } });
  }

  delete(id: string) {
    return this.db.binding.deleteMany({ where: { id, realmId: this.realmId } });
  }
}

export class RealmStore {
  readonly keys: RealmKeyRows;
  readonly secrets: SecretRows;
  readonly bindings: BindingRows;

  constructor(db: Db | Tx, realm: ResolvedRealm, fast: FastPath | null = null) {
    this.keys = new RealmKeyRows(db, realm.id);
    this.secrets = new SecretRows(db, realm.id, fast);
    this.bindings = new BindingRows(db, realm.id);
  }
}

export function realmStore(db: Db | Tx, realm: ResolvedRealm, fast: FastPath | null = null): RealmStore {
  return new RealmStore(db, realm, fast);
}
