/**
 * Engine mounts of a realm and their roles: mount (verified by connecting once), read
 * (with a live health check), update, delete (409 while leases are live unless forced),
 * rotate-root, and the roles' CRUD. Write-only config values are stored encrypted and
 * never returned.
 */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { AppError, errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { LeaseRevoker } from "../leases/revoker";
import { leaseStore } from "../leases/store";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";
import type { EngineMount as EngineMountRow, EngineRole as EngineRoleRow } from "../store/types";
import type { EngineDriver, EngineTypes } from "./driver";
import type { EngineRuntime } from "./runtime";
import {
  DEFAULT_ROLE_MAX_TTL,
  DEFAULT_ROLE_TTL,
  engineOps,
  type EngineView,
  type MountInput,
  type MountPatch,
  type RoleInput,
  type RolePatch,
  type RoleView,
} from "./schemas";
import { engineStore } from "./store";

type Op = (typeof engineOps)[keyof typeof engineOps];

const isDuplicate = (err: unknown) => (err as { code?: unknown }).code === "P2002";

export function engineView(row: EngineMountRow): EngineView {
  return {
    name: row.name,
    type: row.type,
    config: JSON.parse(row.config) as Record<string, unknown>,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    health: { ok: row.healthOk, detail: row.healthDetail },
  };
}

export function roleView(row: EngineRoleRow): RoleView {
  return {
    name: row.name,
    ...(JSON.parse(row.options) as Record<string, unknown>),
    default_ttl: row.defaultTtl,
    max_ttl: row.maxTtl,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export class EngineService {
  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessGuard, "requireRealm">;
      audit: Pick<AuditWriter, "append">;
      outbox: Pick<Outbox, "transaction">;
      engineTypes: Pick<EngineTypes, "get">;
      runtime: Pick<EngineRuntime, "driver" | "seal" | "open" | "mountByName">;
      revoker: Pick<LeaseRevoker, "revoke">;
    },
  ) {}

  async list(actor: Actor, realmName: string): Promise<EngineView[]> {
    const realm = await this.realm(actor, realmName, engineOps.list);
    const rows = await engineStore(this.deps.db, realm).list();
    await this.audited(actor, engineOps.list, realm, null, { count: rows.length });
    return rows.map(engineView);
  }

  async get(actor: Actor, realmName: string, name: string): Promise<EngineView> {
    const realm = await this.realm(actor, realmName, engineOps.get);
    const row = await this.deps.runtime.mountByName(realm, name);
    const checked = await this.checkHealth(actor, realm, row);
    await this.audited(actor, engineOps.get, realm, name);
    return engineView(checked);
  }

  async mount(actor: Actor, realmName: string, input: MountInput): Promise<EngineView> {
    const realm = await this.realm(actor, realmName, engineOps.mount);
    const driver = this.deps.engineTypes.get(input.type);
    if (!driver) throw errors.invalid(`"${input.type}" is not an engine type on this server.`, [{ field: "type", message: "unknown engine type" }], "unknown_engine_type");
    const store = engineStore(this.deps.db, realm);
    if (await store.find(input.name)) throw errors.conflict(`An engine named "${input.name}" is already mounted in realm "${realm.name}".`, "engine_exists");
    const { config, writeOnly } = driver.validateConfig(input.config);
    const id = newId("eng");
    await driver.verify({ id, realm, name: input.name, type: input.type, config });
    const sealed = await this.deps.runtime.seal(realm, id, config, writeOnly);
    let row: EngineMountRow;
    try {
      row = await this.deps.outbox.transaction(actor, async (tx, emit) => {
        const created = await engineStore(tx, realm).create({ id, name: input.name, type: input.type, ...sealed, createdBy: actor.principal.subject });
        emit("engine.mounted", { realm: realm.name, data: { name: input.name, type: input.type } });
        return created;
      });
    } catch (err) {
      if (isDuplicate(err)) throw new AppError("conflict", `An engine named "${input.name}" is already mounted.`, { code: "engine_exists", cause: err });
      throw err;
    }
    await this.audited(actor, engineOps.mount, realm, input.name, { type: input.type });
    return engineView(row);
  }

  async update(actor: Actor, realmName: string, name: string, patch: MountPatch): Promise<EngineView> {
    const realm = await this.realm(actor, realmName, engineOps.update);
    const row = await this.deps.runtime.mountByName(realm, name);
    const driver = this.deps.runtime.driver(row.type);
    const current = await this.deps.runtime.open(realm, row);
    const { config, writeOnly } = driver.validateConfig({ ...current.config, ...patch.config });
    await driver.verify({ ...current, config });
    const sealed = await this.deps.runtime.seal(realm, row.id, config, writeOnly);
    const updated = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const changed = await engineStore(tx, realm).update(row.id, { ...sealed, healthOk: true, healthDetail: null });
      emit("engine.updated", { realm: realm.name, data: { name, fields: Object.keys(patch.config).sort() } });
      return changed;
    });
    await driver.close(row.id);
    await this.audited(actor, engineOps.update, realm, name, { fields: Object.keys(patch.config).sort() });
    return engineView(updated ?? row);
  }

  async delete(actor: Actor, realmName: string, name: string, force: boolean): Promise<void> {
    const realm = await this.realm(actor, realmName, engineOps.delete);
    const row = await this.deps.runtime.mountByName(realm, name);
    const leases = leaseStore(this.deps.db, realm);
    const live = [...(await leases.active({ mountId: row.id })), ...(await leases.list({ state: "revoke_failed", take: 10_000 })).filter((l) => l.mountId === row.id)];
    if (live.length > 0 && !force) {
      throw errors.conflict(`Engine "${name}" has ${live.length} active lease(s); revoke them first or delete with ?force=true.`, "engine_has_active_leases");
    }
    const failures = [];
    for (const lease of live) {
      const outcome = await this.deps.revoker.revoke(realm, lease, "revoked", actor);
      if (!outcome.ok) failures.push(lease.id);
    }
    if (failures.length > 0) {
      throw new AppError("unavailable", `${failures.length} lease(s) of engine "${name}" could not be revoked; the engine stays mounted.`, { code: "engine_revoke_failed" });
    }
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      await engineStore(tx, realm).delete(row.id);
      emit("engine.deleted", { realm: realm.name, data: { name, type: row.type, revoked_leases: live.length } });
    });
    await this.deps.runtime.driver(row.type).close(row.id);
    await this.audited(actor, engineOps.delete, realm, name, { force, revoked_leases: live.length });
  }

  async rotateRoot(actor: Actor, realmName: string, name: string): Promise<EngineView> {
    const realm = await this.realm(actor, realmName, engineOps.rotateRoot);
    const row = await this.deps.runtime.mountByName(realm, name);
    const driver = this.deps.runtime.driver(row.type);
    const rotated = await driver.rotateRoot(await this.deps.runtime.open(realm, row));
    const { config, writeOnly } = driver.validateConfig(rotated);
    const sealed = await this.deps.runtime.seal(realm, row.id, config, writeOnly);
    const updated = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const changed = await engineStore(tx, realm).update(row.id, sealed);
      emit("engine.root_rotated", { realm: realm.name, data: { name } });
      return changed;
    });
    await this.audited(actor, engineOps.rotateRoot, realm, name);
    return engineView(updated ?? row);
  }

  async listRoles(actor: Actor, realmName: string, engine: string): Promise<RoleView[]> {
    const realm = await this.realm(actor, realmName, engineOps.listRoles);
    const row = await this.deps.runtime.mountByName(realm, engine);
    const roles = await engineStore(this.deps.db, realm).roles(row.id);
    await this.audited(actor, engineOps.listRoles, realm, engine, { count: roles.length });
    return roles.map(roleView);
  }

  async getRole(actor: Actor, realmName: string, engine: string, name: string): Promise<RoleView> {
    const realm = await this.realm(actor, realmName, engineOps.getRole);
    const role = await this.findRole(realm, engine, name);
    await this.audited(actor, engineOps.getRole, realm, engine, { role: name });
    return roleView(role.row);
  }

  async createRole(actor: Actor, realmName: string, engine: string, input: RoleInput): Promise<RoleView> {
    const realm = await this.realm(actor, realmName, engineOps.createRole);
    const mount = await this.deps.runtime.mountByName(realm, engine);
    const { name, default_ttl, max_ttl, ...rest } = input;
    const fields = this.roleFields(this.deps.runtime.driver(mount.type), rest, default_ttl ?? DEFAULT_ROLE_TTL, max_ttl ?? DEFAULT_ROLE_MAX_TTL);
    const store = engineStore(this.deps.db, realm);
    if (await store.role(mount.id, name)) throw errors.conflict(`Engine "${engine}" already has a role "${name}".`, "role_exists");
    let row: EngineRoleRow;
    try {
      row = await store.createRole({ id: newId("erl"), mountId: mount.id, name, ...fields });
    } catch (err) {
      if (isDuplicate(err)) throw new AppError("conflict", `Engine "${engine}" already has a role "${name}".`, { code: "role_exists", cause: err });
      throw err;
    }
    await this.audited(actor, engineOps.createRole, realm, engine, { role: name });
    return roleView(row);
  }

  async updateRole(actor: Actor, realmName: string, engine: string, name: string, patch: RolePatch): Promise<RoleView> {
    const realm = await this.realm(actor, realmName, engineOps.updateRole);
    const { mount, row, driver } = await this.findRole(realm, engine, name);
    const { default_ttl, max_ttl, ...rest } = patch;
    const options = { ...(JSON.parse(row.options) as Record<string, unknown>), ...rest };
    const fields = this.roleFields(driver, options, default_ttl ?? row.defaultTtl, max_ttl ?? row.maxTtl);
    const updated = await engineStore(this.deps.db, realm).updateRole(mount.id, name, fields);
    await this.audited(actor, engineOps.updateRole, realm, engine, { role: name, fields: Object.keys(patch).sort() });
    return roleView(updated ?? row);
  }

  /** Leases already issued keep their own copy of the revocation data. */
  async deleteRole(actor: Actor, realmName: string, engine: string, name: string): Promise<void> {
    const realm = await this.realm(actor, realmName, engineOps.deleteRole);
    const { mount } = await this.findRole(realm, engine, name);
    await engineStore(this.deps.db, realm).deleteRole(mount.id, name);
    await this.audited(actor, engineOps.deleteRole, realm, engine, { role: name });
  }

  private roleFields(driver: EngineDriver, options: Record<string, unknown>, defaultTtl: number, maxTtl: number) {
    if (defaultTtl > maxTtl) throw errors.invalid("default_ttl is longer than max_ttl.", [{ field: "default_ttl", message: "must not exceed max_ttl" }]);
    return { options: JSON.stringify(driver.validateRole(options)), defaultTtl, maxTtl };
  }

  private async findRole(realm: ResolvedRealm, engine: string, name: string) {
    const mount = await this.deps.runtime.mountByName(realm, engine);
    const row = await engineStore(this.deps.db, realm).role(mount.id, name);
    if (!row) throw errors.notFound(`Role "${name}" of engine "${engine}"`, "role_not_found");
    return { mount, row, driver: this.deps.runtime.driver(mount.type) };
  }

  /** Asks the driver; a change from the stored state is saved and announced (engine.health_changed). */
  private async checkHealth(actor: Actor, realm: ResolvedRealm, row: EngineMountRow): Promise<EngineMountRow> {
    const health = await this.deps.runtime.driver(row.type).health(await this.deps.runtime.open(realm, row));
    if (health.ok === row.healthOk && health.detail === row.healthDetail) return row;
    const updated = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const changed = await engineStore(tx, realm).update(row.id, { healthOk: health.ok, healthDetail: health.detail });
      if (health.ok !== row.healthOk) emit("engine.health_changed", { realm: realm.name, data: { name: row.name, ok: health.ok, detail: health.detail } });
      return changed;
    });
    return updated ?? row;
  }

  private realm(actor: Actor, realmName: string, op: Op): Promise<ResolvedRealm> {
    return this.deps.access.requireRealm(actor, op.capability, realmName, op.action);
  }

  private audited(actor: Actor, op: Op, realm: ResolvedRealm, engine: string | null, details?: Record<string, unknown>) {
    return auditSuccess(this.deps.audit as AuditWriter, actor, op.action, { realm: realm.name, ...(engine ? { resource: `engine:${engine}` } : {}), ...(details ? { details } : {}) });
  }
}
