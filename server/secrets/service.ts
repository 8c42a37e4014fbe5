/** KV secrets: versioned values, encrypted with the realm's data key, never logged or audited. */
import type { AccessGuard } from "../access/guard";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import { AppError, errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { FastPath } from "../store/fast-path";
import { realmStore, type ResolvedRealm } from "../store/realm-scoped";
import { MAX_SECRET_BYTES, secretOps as ops, type SecretMeta, type SecretValue, type SecretVersionMeta } from "./schemas";

export type { SecretMeta, SecretValue, SecretVersionMeta } from "./schemas";

export interface SecretServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "requireRealm">;
  audit: Pick<AuditWriter, "append">;
  keyring: Pick<Keyring, "encrypt" | "decrypt">;
  /** SQLite's synchronous read path for the hot secret read; null on PostgreSQL. */
  fast: FastPath | null;
  outbox: Pick<Outbox, "transaction">;
}

/** Raised inside the write transaction when another writer moved the current version first. */
class LostRace extends Error {}

const aad = (key: string, version: number) => `secret:${key}:${version}`;

export class SecretService {
  constructor(private readonly deps: SecretServiceDeps) {}

  async list(actor: Actor, realmName: string, opts: { limit: number; cursor?: string }): Promise<{ items: SecretMeta[]; next_cursor: string | null }> {
    const realm = await this.deps.access.requireRealm(actor, ops.list.capability, realmName, ops.list.action);
    const rows = await realmStore(this.deps.db, realm).secrets.list({ take: opts.limit + 1, ...(opts.cursor ? { afterKey: opts.cursor } : {}) });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.deps.audit, actor, ops.list.action, { realm: realm.name });
    return {
      items: page.map((s) => ({ key: s.key, version: s.currentVersion, created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString() })),
      next_cursor: rows.length > opts.limit ? page[page.length - 1]!.key : null,
    };
  }

  async get(actor: Actor, realmName: string, key: string, version?: number): Promise<SecretValue> {
    const realm = await this.deps.access.requireRealm(actor, ops.get.capability, realmName, ops.get.action);
    const row = await realmStore(this.deps.db, realm, this.deps.fast).secrets.readVersion(key, version);
    if (!row) throw errors.notFound(version === undefined ? `Secret "${key}"` : `Version ${version} of secret "${key}"`, "secret_not_found");
    const value = await this.deps.keyring.decrypt(realm, row.keyVersion, aad(key, row.version), row.ciphertext);
    await auditSuccess(this.deps.audit, actor, ops.get.action, { realm: realm.name, resource: `secret:${key}`, details: { version: row.version } });
    return { key, value, version: row.version, created_at: row.secretCreatedAt.toISOString(), updated_at: row.versionCreatedAt.toISOString() };
  }

  /**
   * The current value for an enforcement point that injects it (the gateway): the same
   * capability check as `get`, no audit record of its own (the caller audits the use).
   */
  async resolve(actor: Actor, realmName: string, key: string): Promise<string> {
    const realm = await this.deps.access.requireRealm(actor, ops.get.capability, realmName, ops.get.action);
    const row = await realmStore(this.deps.db, realm, this.deps.fast).secrets.readVersion(key, undefined);
    if (!row) throw new AppError("unavailable", `The credential this route injects (secret "${key}" in realm "${realmName}") does not exist.`, { code: "gateway_credential_unavailable" });
    return this.deps.keyring.decrypt(realm, row.keyVersion, aad(key, row.version), row.ciphertext);
  }

  /** Writes a new version. `cas` is the version the caller expects to be current (0: must not exist). */
  async put(actor: Actor, realmName: string, key: string, value: string, cas?: number): Promise<SecretMeta> {
    const realm = await this.deps.access.requireRealm(actor, ops.put.capability, realmName, ops.put.action);
    if (Buffer.byteLength(value, "utf8") > MAX_SECRET_BYTES) {
      throw errors.invalid(`value is larger than ${MAX_SECRET_BYTES} bytes.`, [{ field: "value", message: `at most ${MAX_SECRET_BYTES} bytes` }]);
    }
    const meta = await this.writeVersion(actor, realm, key, value, cas);
    await auditSuccess(this.deps.audit, actor, ops.put.action, { realm: realm.name, resource: `secret:${key}`, details: { version: meta.version } });
    return meta;
  }

  async delete(actor: Actor, realmName: string, key: string): Promise<void> {
    const realm = await this.deps.access.requireRealm(actor, ops.delete.capability, realmName, ops.delete.action);
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const { count } = await realmStore(tx, realm).secrets.delete(key);
      if (count === 0) throw errors.notFound(`Secret "${key}"`, "secret_not_found");
      emit("secret.deleted", { realm: realm.name, data: { key } });
    });
    await auditSuccess(this.deps.audit, actor, ops.delete.action, { realm: realm.name, resource: `secret:${key}` });
  }

  async versions(actor: Actor, realmName: string, key: string): Promise<SecretVersionMeta[]> {
    const realm = await this.deps.access.requireRealm(actor, ops.versions.capability, realmName, ops.versions.action);
    const store = realmStore(this.deps.db, realm);
    const secret = await store.secrets.find(key);
    if (!secret) throw errors.notFound(`Secret "${key}"`, "secret_not_found");
    const rows = await store.secrets.versions(secret.id);
    await auditSuccess(this.deps.audit, actor, ops.versions.action, { realm: realm.name, resource: `secret:${key}` });
    return rows.map((v) => ({ version: v.version, created_at: v.createdAt.toISOString(), created_by: v.createdBy, current: v.version === secret.currentVersion }));
  }

  private async writeVersion(actor: Actor, realm: ResolvedRealm, key: string, value: string, cas?: number): Promise<SecretMeta> {
    const store = realmStore(this.deps.db, realm);
    const existing = await store.secrets.find(key);
    const current = existing?.currentVersion ?? 0;
    if (cas !== undefined && cas !== current) {
      throw errors.conflict(`Check-and-set failed: the current version is ${current}, not ${cas}.`, "cas_mismatch");
    }
    const next = current + 1;
    const { ciphertext, keyVersion } = await this.deps.keyring.encrypt(realm, aad(key, next), value);
    const createdBy = actor.principal.subject;
    try {
      // The new version and its secret.set event commit together (never the value itself).
      return await this.deps.outbox.transaction(actor, async (tx, emit) => {
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
