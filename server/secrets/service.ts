/** KV secrets: versioned values, encrypted with the realm's data key, never logged or audited. */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import { AppError, errors } from "../errors";
import { newId } from "../ids";
import type { Outbox } from "../events/outbox";
import type { AccessGuard } from "../rbac/access";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { FastPath } from "../store/fast-path";
import { realmStore, type ResolvedRealm } from "../store/realm-scoped";

export const SECRET_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const MAX_SECRET_BYTES = 512 * 1024;

export interface SecretMeta {
  key: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SecretValue extends SecretMeta {
  value: string;
}

export interface SecretVersionMeta {
  version: number;
  created_at: string;
  created_by: string;
  current: boolean;
}

/** Raised inside the write transaction when another writer moved the current version first. */
class LostRace extends Error {}

const aad = (key: string, version: number) => `secret:${key}:${version}`;

export class SecretService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
    private readonly keyring: Keyring,
    private readonly fast: FastPath | null,
    private readonly outbox: Outbox,
  ) {}

  async list(actor: Actor, realmName: string, opts: { limit: number; cursor?: string }): Promise<{ items: SecretMeta[]; next_cursor: string | null }> {
    const realm = await this.access.requireRealm(actor, "secrets:read", realmName, "secret.list");
    const rows = await realmStore(this.db, realm).secrets.list({ take: opts.limit + 1, ...(opts.cursor ? { afterKey: opts.cursor } : {}) });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.audit, actor, "secret.list", { realm: realm.name });
    return {
      items: page.map((s) => ({ key: s.key, version: s.currentVersion, created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString() })),
      next_cursor: rows.length > opts.limit ? page[page.length - 1]!.key : null,
    };
  }

  async get(actor: Actor, realmName: string, key: string, version?: number): Promise<SecretValue> {
    const realm = await this.access.requireRealm(actor, "secrets:read", realmName, "secret.read");
    const row = await realmStore(this.db, realm, this.fast).secrets.readVersion(key, version);
    if (!row) throw errors.notFound(version === undefined ? `Secret "${key}"` : `Version ${version} of secret "${key}"`, "secret_not_found");
    const value = await this.keyring.decrypt(realm, row.keyVersion, aad(key, row.version), row.ciphertext);
    await auditSuccess(this.audit, actor, "secret.read", { realm: realm.name, resource: `secret:${key}`, details: { version: row.version } });
    return { key, value, version: row.version, created_at: row.secretCreatedAt.toISOString(), updated_at: row.versionCreatedAt.toISOString() };
  }

  /** Writes a new version. `cas` is the version the caller expects to be current (0: must not exist). */
  async put(actor: Actor, realmName: string, key: string, value: string, cas?: number): Promise<SecretMeta> {
    const realm = await this.access.requireRealm(actor, "secrets:write", realmName, "secret.write");
    if (Buffer.byteLength(value, "utf8") > MAX_SECRET_BYTES) {
      throw errors.invalid(`value is larger than ${MAX_SECRET_BYTES} bytes.`, [{ field: "value", message: "too large" }]);
    }
    const meta = await this.writeVersion(actor, realm, key, value, cas);
    await auditSuccess(this.audit, actor, "secret.write", { realm: realm.name, resource: `secret:${key}`, details: { version: meta.version } });
    return meta;
  }

  async delete(actor: Actor, realmName: string, key: string): Promise<void> {
    const realm = await this.access.requireRealm(actor, "secrets:delete", realmName, "secret.delete");
    await this.outbox.transaction(actor, async (tx, emit) => {
      const { count } = await realmStore(tx, realm).secrets.delete(key);
      if (count === 0) throw errors.notFound(`Secret "${key}"`, "secret_not_found");
      emit("secret.deleted", { realm: realm.name, data: { key } });
    });
    await auditSuccess(this.audit, actor, "secret.delete", { realm: realm.name, resource: `secret:${key}` });
  }

  async versions(actor: Actor, realmName: string, key: string): Promise<SecretVersionMeta[]> {
    const realm = await this.access.requireRealm(actor, "secrets:read", realmName, "secret.versions");
    const store = realmStore(this.db, realm);
    const secret = await store.secrets.find(key);
    if (!secret) throw errors.notFound(`Secret "${key}"`, "secret_not_found");
    const rows = await store.secrets.versions(secret.id);
    await auditSuccess(this.audit, actor, "secret.versions", { realm: realm.name, resource: `secret:${key}` });
    return rows.map((v) => ({ version: v.version, created_at: v.createdAt.toISOString(), created_by: v.createdBy, current: v.version === secret.currentVersion }));
  }

  private async writeVersion(actor: Actor, realm: ResolvedRealm, key: string, value: string, cas?: number): Promise<SecretMeta> {
    const store = realmStore(this.db, realm);
    const existing = await store.secrets.find(key);
    const current = existing?.currentVersion ?? 0;
    if (cas !== undefined && cas !== current) {
      throw errors.conflict(`Check-and-set failed: the current version is ${current}, not ${cas}.`, "cas_mismatch");
    }
    const next = current + 1;
    const { ciphertext, keyVersion } = await this.keyring.encrypt(realm, aad(key, next), value);
    const createdBy = actor.principal.subject;
    try {
      // The new version and its secret.set event commit together (never the value itself).
      return await this.outbox.transaction(actor, async (tx, emit) => {
        const scoped = realmStore(tx, realm);
        let meta: SecretMeta;
        if (!existing) {
          const row = await scoped.secrets.create({ id: newId("sec"), key, ciphertext, keyVersion, createdBy });
          meta = { key, version: 1, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
        } else {
          const won = await scoped.secrets.addVersion(existing.id, current, { ciphertext, keyVersion, createdBy });
          if (!won) throw new LostRace();
          meta = { key, version: next, created_at: existing.createdAt.toISOString(), updated_at: new Date().toISOString() };
        }
        emit("secret.set", { realm: realm.name, data: { key, version: meta.version } });
        return meta;
      });
    } catch (err) {
      // Another writer got there first (version bump, or the same new key); nothing was written.
      const duplicateKey = (err as { code?: unknown }).code === "P2002";
      if (err instanceof LostRace || duplicateKey) {
        throw new AppError("conflict", "The secret was changed by another request at the same time; try again.", { code: "write_conflict", cause: err });
      }
      throw err;
    }
  }
}
