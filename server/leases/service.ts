/**
 * Leases: dynamic credentials issued by an engine mount's role. Create returns the
 * credentials once (only the engine's revocation data is kept, encrypted); renew extends
 * from now up to issued_at + max_ttl; revoke ends the credentials in the external system
 * before it answers. Expiry is the reaper's job (reaper.ts).
 */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import type { EngineRuntime } from "../engines/runtime";
import { engineStore } from "../engines/store";
import { AppError, errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";
import { internalAad, type LeaseRevoker } from "./revoker";
import {
  leaseOps,
  type CreatedLease,
  type LeaseCreateInput,
  type LeaseListQuery,
  type LeaseRenewInput,
  type LeaseRevokePrefixInput,
  type LeaseView,
  type RevokePrefixResult,
} from "./schemas";
import { leaseStore, type LeaseRow } from "./store";

type Op = (typeof leaseOps)[keyof typeof leaseOps];

export interface LeaseLimits {
  /** [leases] max_per_realm */
  maxPerRealm: number;
  /** [leases] expiring_notice, seconds */
  expiringNotice: number;
}

/** Leases revoke-prefix ends at once (each batch recorded in one commit). */
const PREFIX_BATCH = 16;

export function leaseView(row: LeaseRow): LeaseView {
  return {
    lease_id: row.id,
    engine: row.engine,
    role: row.role,
    state: row.state as LeaseView["state"],
    issued_at: row.issuedAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    renewed_at: row.renewedAt?.toISOString() ?? null,
    revoke_attempts: row.revokeAttempts,
    last_error: row.lastError,
  };
}

/** lease.expiring is due when the time left first drops under the notice, or a fifth of the TTL when that is shorter. */
export function noticeAt(expiresAt: Date, ttlSeconds: number, noticeSeconds: number): Date {
  return new Date(expiresAt.getTime() - Math.min(noticeSeconds, ttlSeconds / 5) * 1000);
}

export class LeaseService {
  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessGuard, "requireRealm">;
      audit: Pick<AuditWriter, "append">;
      outbox: Pick<Outbox, "transaction">;
      keyring: Pick<Keyring, "encrypt" | "decrypt">;
      runtime: Pick<EngineRuntime, "driver" | "open" | "mountByName" | "mountById">;
      revoker: Pick<LeaseRevoker, "revoke" | "revokeMany">;
      limits: LeaseLimits;
    },
  ) {}

  async create(actor: Actor, realmName: string, input: LeaseCreateInput): Promise<CreatedLease> {
    const realm = await this.realm(actor, realmName, leaseOps.create);
    const leases = leaseStore(this.deps.db, realm);
    if ((await leases.countActive()) >= this.deps.limits.maxPerRealm) {
      throw new AppError("rate_limited", `Realm "${realm.name}" already has ${this.deps.limits.maxPerRealm} active leases ([leases] max_per_realm).`, {
        code: "lease_limit_reached",
        headers: { "Retry-After": "60" },
      });
    }
    const mountRow = await this.deps.runtime.mountByName(realm, input.engine);
    const role = await engineStore(this.deps.db, realm).role(mountRow.id, input.role);
    if (!role) throw errors.notFound(`Role "${input.role}" of engine "${input.engine}"`, "role_not_found");
    const driver = this.deps.runtime.driver(mountRow.type);
    const asked = input.ttl ?? role.defaultTtl;
    const ttl = Math.min(asked, role.maxTtl);
    const warnings = asked > ttl ? [`ttl ${asked}s is longer than the role's max_ttl; cut to ${ttl}s`] : [];
    const id = newId("lea");
    const issuedAt = new Date();
    const expiresAt = new Date(issuedAt.getTime() + ttl * 1000);
    const mount = await this.deps.runtime.open(realm, mountRow);
    const created = await driver.create(mount, { leaseId: id, role: { name: role.name, options: JSON.parse(role.options) as Record<string, unknown> }, ttlSeconds: ttl, expiresAt });
    try {
      const sealed = await this.deps.keyring.encrypt(realm, internalAad(id), JSON.stringify(created.internal));
      await this.deps.outbox.transaction(actor, async (tx, emit) => {
        await leaseStore(tx, realm).create({
          id,
          mountId: mountRow.id,
          engine: mountRow.name,
          role: role.name,
          issuedAt,
          expiresAt,
          ttlSeconds: ttl,
          maxExpiresAt: new Date(issuedAt.getTime() + role.maxTtl * 1000),
          noticeAt: noticeAt(expiresAt, ttl, this.deps.limits.expiringNotice),
          internal: sealed.ciphertext,
          keyVersion: sealed.keyVersion,
          createdBy: actor.principal.subject,
        });
        emit("lease.created", { realm: realm.name, data: { lease_id: id, engine: mountRow.name, role: role.name, expires_at: expiresAt.toISOString() } });
      });
    } catch (err) {
      // Not recorded, so nothing would ever revoke it: take the credentials back now.
      await driver.revoke(mount, created.internal).catch(() => {});
      throw err;
    }
    await this.audited(actor, leaseOps.create, realm, id, { engine: mountRow.name, role: role.name, ttl, ...(warnings.length ? { capped_from: asked } : {}) });
    return {
      lease_id: id,
      engine: mountRow.name,
      role: role.name,
      credentials: created.credentials,
      issued_at: issuedAt.toISOString(),
      expires_at: expiresAt.toISOString(),
      renewable: true,
      ...(warnings.length ? { warnings } : {}),
    };
  }

  async list(actor: Actor, realmName: string, query: LeaseListQuery): Promise<{ items: LeaseView[]; next_cursor: string | null }> {
    const realm = await this.realm(actor, realmName, leaseOps.list);
    const rows = await leaseStore(this.deps.db, realm).list({
      take: query.limit + 1,
      ...(query.engine ? { engine: query.engine } : {}),
      ...(query.role ? { role: query.role } : {}),
      ...(query.state ? { state: query.state } : {}),
      ...(query.cursor ? { afterId: query.cursor } : {}),
    });
    const page = rows.slice(0, query.limit);
    await this.audited(actor, leaseOps.list, realm, null, { count: page.length });
    return { items: page.map(leaseView), next_cursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  }

  async get(actor: Actor, realmName: string, id: string): Promise<LeaseView> {
    const realm = await this.realm(actor, realmName, leaseOps.get);
    const row = await this.find(realm, id);
    await this.audited(actor, leaseOps.get, realm, id);
    return leaseView(row);
  }

  async renew(actor: Actor, realmName: string, id: string, input: LeaseRenewInput): Promise<LeaseView & { warnings?: string[] }> {
    const realm = await this.realm(actor, realmName, leaseOps.renew);
    const row = await this.find(realm, id);
    const now = Date.now();
    if (row.state !== "active" || row.expiresAt.getTime() <= now || row.revokeRequestedAt) {
      throw errors.conflict(`Lease ${id} is ${row.state === "active" ? "being revoked" : row.state} and cannot be renewed.`, "lease_not_active");
    }
    const asked = input.increment ?? row.ttlSeconds;
    const expiresAt = new Date(Math.min(now + asked * 1000, row.maxExpiresAt.getTime()));
    const warnings = expiresAt.getTime() < now + asked * 1000 ? [`renewal cut to the role's max_ttl: the lease ends at ${expiresAt.toISOString()}`] : [];
    const internal = JSON.parse(await this.deps.keyring.decrypt(realm, row.keyVersion, internalAad(row.id), row.internal)) as Record<string, unknown>;
    const { driver, mount } = await this.deps.runtime.mountById(realm, row.mountId);
    const ttlSeconds = Math.max(1, Math.round((expiresAt.getTime() - now) / 1000));
    await driver.renew(mount, { internal, ttlSeconds, expiresAt });
    const renewedAt = new Date();
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const changed = await leaseStore(tx, realm).update(id, ["active"], {
        expiresAt,
        renewedAt,
        ...(row.noticeSent ? {} : { noticeAt: noticeAt(expiresAt, ttlSeconds, this.deps.limits.expiringNotice) }),
      });
      if (!changed) throw errors.conflict(`Lease ${id} ended while it was being renewed.`, "lease_not_active");
      emit("lease.renewed", { realm: realm.name, data: { lease_id: id, engine: row.engine, role: row.role, expires_at: expiresAt.toISOString() } });
    });
    await this.audited(actor, leaseOps.renew, realm, id, { expires_at: expiresAt.toISOString(), capped: warnings.length > 0 });
    return { ...leaseView({ ...row, expiresAt, renewedAt }), ...(warnings.length ? { warnings } : {}) };
  }

  /** Also the operator's "retry" for a revoke_failed lease. Revoking an ended lease changes nothing. */
  async revoke(actor: Actor, realmName: string, id: string): Promise<LeaseView> {
    const realm = await this.realm(actor, realmName, leaseOps.revoke);
    const row = await this.find(realm, id);
    if (row.state === "revoked" || row.state === "expired") return leaseView(row);
    const outcome = await this.deps.revoker.revoke(realm, row, "revoked", actor);
    if (!outcome.ok) {
      const next = outcome.state === "revoke_failed" ? "An operator must retry or forget it." : "It will be retried automatically.";
      throw new AppError("unavailable", `Lease ${id} could not be revoked: ${outcome.error}. ${next}`, { code: "lease_revoke_failed" });
    }
    return leaseView(await this.find(realm, id));
  }

  async revokePrefix(actor: Actor, realmName: string, input: LeaseRevokePrefixInput): Promise<RevokePrefixResult> {
    const realm = await this.realm(actor, realmName, leaseOps.revokePrefix);
    const rows = await leaseStore(this.deps.db, realm).active({ engine: input.engine, ...(input.role ? { role: input.role } : {}) });
    const result: RevokePrefixResult = { revoked: [], failed: [] };
    for (let i = 0; i < rows.length; i += PREFIX_BATCH) {
      const batch = rows.slice(i, i + PREFIX_BATCH);
      const outcomes = await this.deps.revoker.revokeMany(batch.map((lease) => ({ realm, lease, final: "revoked" as const })), actor);
      outcomes.forEach((o, j) => (o.ok ? result.revoked.push(batch[j]!.id) : result.failed.push({ lease_id: batch[j]!.id, error: o.error })));
    }
    await this.audited(actor, leaseOps.revokePrefix, realm, null, { engine: input.engine, role: input.role ?? null, revoked: result.revoked.length, failed: result.failed.length });
    return result;
  }

  /** An operator gave up on a revoke_failed lease (they dealt with the credentials themselves). */
  async forget(actor: Actor, realmName: string, id: string): Promise<void> {
    const realm = await this.realm(actor, realmName, leaseOps.forget);
    await this.find(realm, id);
    if (!(await leaseStore(this.deps.db, realm).delete(id, ["revoke_failed"]))) {
      throw errors.conflict(`Lease ${id} is not revoke_failed; only those can be forgotten.`, "lease_not_revoke_failed");
    }
    await this.audited(actor, leaseOps.forget, realm, id);
  }

  private async find(realm: ResolvedRealm, id: string): Promise<LeaseRow> {
    const row = await leaseStore(this.deps.db, realm).find(id);
    if (!row) throw errors.notFound(`Lease ${id}`, "lease_not_found");
    return row;
  }

  private realm(actor: Actor, realmName: string, op: Op): Promise<ResolvedRealm> {
    return this.deps.access.requireRealm(actor, op.capability, realmName, op.action);
  }

  private audited(actor: Actor, op: Op, realm: ResolvedRealm, leaseId: string | null, details?: Record<string, unknown>) {
    return auditSuccess(this.deps.audit as AuditWriter, actor, op.action, { realm: realm.name, ...(leaseId ? { resource: `lease:${leaseId}` } : {}), ...(details ? { details } : {}) });
  }
}
