/**
 * Guardian 6: the only way to reach realm-owned rows. A `ResolvedRealm` can be had only
 * from the realm directory (after the policy guardian let the caller see the realm), and
 * every query below is filtered by its id, so a handler cannot forget the realm.
 */
import type { Db } from "./client";

declare const resolved: unique symbol;
export interface ResolvedRealm {
  readonly id: string;
  readonly name: string;
  readonly [resolved]: true;
}

/** Only the realm directory calls this. */
export function asResolvedRealm(row: { id: string; name: string }): ResolvedRealm {
  return { id: row.id, name: row.name } as ResolvedRealm;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export function realmStore(db: Db | Tx, realm: ResolvedRealm) {
  const realmId = realm.id;
  return {
    keys: {
      latest: () => db.realmKey.findFirst({ where: { realmId }, orderBy: { version: "desc" } }),
      byVersion: (version: number) => db.realmKey.findUnique({ where: { realmId_version: { realmId, version } } }),
      create: (version: number, wrappedKey: string, kekId: string) =>
        db.realmKey.create({ data: { realmId, version, wrappedKey, kekId } }),
    },
    secrets: {
      list: (opts: { take: number; afterKey?: string }) =>
        db.secret.findMany({
          where: { realmId, ...(opts.afterKey ? { key: { gt: opts.afterKey } } : {}) },
          orderBy: { key: "asc" },
          take: opts.take,
        }),
      count: () => db.secret.count({ where: { realmId } }),
      find: (key: string) => db.secret.findUnique({ where: { realmId_key: { realmId, key } } }),
      /** One round trip for the hot path: the secret and the wanted (or current) version. */
      findWithVersion: async (key: string, version?: number) => {
        const secret = await db.secret.findUnique({
          where: { realmId_key: { realmId, key } },
          include: { versions: { where: version === undefined ? {} : { version }, orderBy: { version: "desc" }, take: 1 } },
        });
        return secret;
      },
      versions: (secretId: string) =>
        db.secretVersion.findMany({
          where: { secretId, secret: { realmId } },
          orderBy: { version: "desc" },
          select: { version: true, createdAt: true, createdBy: true, keyVersion: true },
        }),
      create: (data: { id: string; key: string; ciphertext: string; keyVersion: number; createdBy: string }) =>
        db.secret.create({
          data: {
            id: data.id,
            realmId,
            key: data.key,
            currentVersion: 1,
            versions: { create: { version: 1, ciphertext: data.ciphertext, keyVersion: data.keyVersion, createdBy: data.createdBy } },
          },
        }),
      /** Adds a version only if the current one is still `expected` (optimistic concurrency). */
      addVersion: async (
        secretId: string,
        expected: number,
        data: { ciphertext: string; keyVersion: number; createdBy: string },
      ): Promise<boolean> => {
        const bumped = await db.secret.updateMany({
          where: { id: secretId, realmId, currentVersion: expected },
          data: { currentVersion: expected + 1 },
        });
        if (bumped.count !== 1) return false;
        await db.secretVersion.create({ data: { secretId, version: expected + 1, ...data } });
        return true;
      },
      delete: (key: string) => db.secret.deleteMany({ where: { realmId, key } }),
    },
    bindings: {
      list: () => db.binding.findMany({ where: { realmId }, include: { role: true } }),
    },
  };
}

export type RealmStore = ReturnType<typeof realmStore>;
