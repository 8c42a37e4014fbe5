/**
 * Moves every realm data key from one key-encryption key to another (`[kms] rewrap_from`):
 * each wrapped key is opened with the previous provider and sealed with the current one.
 * Ciphertexts are untouched, since the data keys themselves do not change. System-level
 * work across all realms, like the lease reaper; it runs at start, before requests.
 */
import type { Logger } from "pino";
import type { Db } from "../store/client";
import type { KmsProvider } from "./kms";

export interface RewrapResult {
  rewrapped: number;
  /** Keys already under the current key-encryption key (a second start, or another process did them). */
  current: number;
}

export async function rewrapRealmKeys(deps: { db: Db; from: KmsProvider; to: KmsProvider; logger: Pick<Logger, "info"> }): Promise<RewrapResult> {
  const { db, from, to } = deps;
  const keys = await db.realmKey.findMany({ select: { realmId: true, version: true, wrappedKey: true, kekId: true }, orderBy: [{ realmId: "asc" }, { version: "asc" }] });
  const result: RewrapResult = { rewrapped: 0, current: 0 };
  for (const key of keys) {
    const context = `${key.realmId}:${key.version}`;
    // Two local key files share one key id, so "already current" is decided by opening the key, not by its kekId.
    if (key.kekId === to.keyId && (await opens(to, key.wrappedKey, context))) {
      result.current++;
      continue;
    }
    const dataKey = await from.unwrap(key.wrappedKey, context).catch(() => {
      throw new Error(`realm key ${context} opens with neither [kms] rewrap_from nor the current provider; nothing was changed for it`);
    });
    const wrappedKey = await to.wrap(dataKey, context);
    dataKey.fill(0);
    // Conditional on the old value: a process starting alongside may have re-wrapped it already.
    const { count } = await db.realmKey.updateMany({ where: { realmId: key.realmId, version: key.version, wrappedKey: key.wrappedKey }, data: { wrappedKey, kekId: to.keyId } });
    if (count === 1) result.rewrapped++;
    else result.current++;
  }
  deps.logger.info({ ...result, from: from.keyId, to: to.keyId }, "realm keys re-wrapped under the current key-encryption key");
  return result;
}

async function opens(kms: KmsProvider, wrapped: string, context: string): Promise<boolean> {
  try {
    (await kms.unwrap(wrapped, context)).fill(0);
    return true;
  } catch {
    return false;
  }
}
