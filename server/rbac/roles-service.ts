/** Roles (named capability sets) and bindings (subject → role in a realm or in all). */
import type { AccessGuard } from "../access/guard";
import type { InvalidationPublisher } from "../cluster/bus";
import type { PrincipalCache } from "../access/principal-cache";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { Db } from "../store/client";
import { realmStore } from "../store/realm-scoped";
import { BUILTIN_ROLES, type Capability } from "./capabilities";
import { parseCapabilities } from "./grants";
import { ALL_REALMS, firstGap, holds, type Actor } from "./principal";
import { bindingOps, roleOps, type BindingView, type CreateBindingInput, type CreateRoleInput, type RoleView, type UpdateRoleInput } from "./schemas";

export type { BindingView, RoleView } from "./schemas";

type RoleRow = NonNullable<Awaited<ReturnType<Db["role"]["findUnique"]>>>;

function roleView(r: RoleRow): RoleView {
  return {
    name: r.name,
    description: r.description,
    capabilities: parseCapabilities(r.capabilities),
    builtin: r.builtin,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export interface RoleServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "require" | "requireSomewhere" | "requireIn">;
  audit: Pick<AuditWriter, "append">;
  /** Cached principals carry role grants: any role or binding change drops them. */
  cache: Pick<PrincipalCache, "clear">;
  bus: InvalidationPublisher;
  outbox: Pick<Outbox, "transaction">;
}

export class RoleService {
  constructor(private readonly deps: RoleServiceDeps) {}

  /** Adds the built-in roles a fresh store starts with (idempotent). */
  async ensureBuiltins(): Promise<void> {
    for (const role of BUILTIN_ROLES) {
      await this.deps.db.role.upsert({
        where: { name: role.name },
        create: { id: newId("rol"), name: role.name, description: role.description, capabilities: JSON.stringify(role.capabilities), builtin: true },
        update: { description: role.description, capabilities: JSON.stringify(role.capabilities), builtin: true },
      });
    }
  }

  async list(actor: Actor): Promise<RoleView[]> {
    await this.deps.access.requireSomewhere(actor, roleOps.list.capability, roleOps.list.action);
    const rows = await this.deps.db.role.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.deps.audit, actor, roleOps.list.action);
    return rows.map(roleView);
  }

  async get(actor: Actor, name: string): Promise<RoleView> {
    await this.deps.access.requireSomewhere(actor, roleOps.get.capability, roleOps.get.action);
    const row = await this.deps.db.role.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Role "${name}"`, "role_not_found");
    await auditSuccess(this.deps.audit, actor, roleOps.get.action, { resource: `role:${name}` });
    return roleView(row);
  }

  async create(actor: Actor, input: CreateRoleInput): Promise<RoleView> {
    const { db, access, outbox, audit } = this.deps;
    await access.require(actor, roleOps.create.capability, roleOps.create.action);
    requireHoldsAll(actor, input.capabilities, ALL_REALMS);
    if (await db.role.findUnique({ where: { name: input.name } })) throw errors.conflict(`A role named "${input.name}" already exists.`, "role_exists");
    const row = await outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.role.create({
        data: { id: newId("rol"), name: input.name, description: input.description ?? "", capabilities: JSON.stringify([...new Set(input.capabilities)]) },
      });
      emit("policy.role_created", { data: { role: created.name, capabilities: parseCapabilities(created.capabilities) } });
      return created;
    });
    await auditSuccess(audit, actor, roleOps.create.action, { resource: `role:${row.name}`, details: { capabilities: input.capabilities } });
    return roleView(row);
  }

  async update(actor: Actor, name: string, patch: UpdateRoleInput): Promise<RoleView> {
    await this.deps.access.require(actor, roleOps.update.capability, roleOps.update.action);
    const existing = await this.mutableRole(name);
    if (patch.capabilities) requireHoldsAll(actor, patch.capabilities, ALL_REALMS);
    const row = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const updated = await tx.role.update({
        where: { id: existing.id },
        data: {
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.capabilities ? { capabilities: JSON.stringify([...new Set(patch.capabilities)]) } : {}),
        },
      });
      emit("policy.role_updated", { data: { role: name, capabilities: parseCapabilities(updated.capabilities), fields: Object.keys(patch) } });
      return updated;
    });
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(this.deps.audit, actor, roleOps.update.action, { resource: `role:${name}`, details: { fields: Object.keys(patch) } });
    return roleView(row);
  }

  async delete(actor: Actor, name: string): Promise<void> {
    await this.deps.access.require(actor, roleOps.delete.capability, roleOps.delete.action);
    const existing = await this.mutableRole(name);
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      await tx.role.delete({ where: { id: existing.id } });
      emit("policy.role_deleted", { data: { role: name } });
    });
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(this.deps.audit, actor, roleOps.delete.action, { resource: `role:${name}` });
  }

  /**
   * Every binding the caller may read. This read spans realms, so it is not realm-scoped:
   * each row is kept only when the caller holds roles:read in that row's realm.
   */
  async listBindings(actor: Actor, filter: { subject?: string } = {}): Promise<BindingView[]> {
    await this.deps.access.requireSomewhere(actor, bindingOps.list.capability, bindingOps.list.action);
    const rows = await this.deps.db.binding.findMany({ where: filter.subject ? { subject: filter.subject } : {}, include: { role: true, realm: true }, orderBy: { createdAt: "asc" } });
    const visible = rows.filter((b) => holds(actor.principal, bindingOps.list.capability, b.realm?.name ?? null));
    await auditSuccess(this.deps.audit, actor, bindingOps.list.action, { details: { count: visible.length } });
    return visible.map((b) => ({ id: b.id, subject: b.subject, role: b.role.name, realm: b.realm?.name ?? ALL_REALMS, created_at: b.createdAt.toISOString() }));
  }

  /** Binds a role; the caller must hold roles:write there and every capability the role grants. */
  async bind(actor: Actor, input: CreateBindingInput): Promise<BindingView> {
    const { db, access, outbox, audit } = this.deps;
    const [realm] = await access.requireIn(actor, bindingOps.create.capability, [input.realm], bindingOps.create.action);
    const role = await db.role.findUnique({ where: { name: input.role } });
    if (!role) throw errors.invalid(`Role "${input.role}" does not exist.`, [{ field: "role", message: "unknown role" }]);
    requireHoldsAll(actor, parseCapabilities(role.capabilities), input.realm);
    await this.requireSubjectExists(input.subject);
    const id = newId("bnd");
    const row = await outbox.transaction(actor, async (tx, emit) => {
      // A binding in one realm goes through that realm's store; one in every realm belongs to none.
      const scoped = realm ? realmStore(tx, realm).bindings : null;
      const duplicate = scoped ? await scoped.findSame(input.subject, role.id) : await tx.binding.findFirst({ where: { subject: input.subject, roleId: role.id, realmId: null } });
      if (duplicate) throw errors.conflict("That binding already exists.", "binding_exists");
      const created = scoped ? await scoped.create({ id, subject: input.subject, roleId: role.id }) : await tx.binding.create({ data: { id, subject: input.subject, roleId: role.id, realmId: null } });
      emit("policy.binding_created", { realm: realm?.name ?? null, data: { binding_id: created.id, subject: input.subject, role: input.role, realm: input.realm } });
      return created;
    });
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(audit, actor, bindingOps.create.action, { resource: `binding:${row.id}`, details: { subject: input.subject, role: input.role, realm: input.realm } });
    return { id: row.id, subject: row.subject, role: role.name, realm: input.realm, created_at: row.createdAt.toISOString() };
  }

  async unbind(actor: Actor, id: string): Promise<void> {
    const { db, access, outbox, audit } = this.deps;
    // Only which realm the binding is in, so the policy guardian can decide before any row is touched.
    const located = await db.binding.findUnique({ where: { id }, select: { realm: { select: { name: true } } } });
    const realmName = located?.realm?.name ?? ALL_REALMS;
    const [realm] = await access.requireIn(actor, bindingOps.delete.capability, [realmName], bindingOps.delete.action);
    if (!located) throw errors.notFound(`Binding "${id}"`, "binding_not_found");
    await outbox.transaction(actor, async (tx, emit) => {
      const row = realm ? await realmStore(tx, realm).bindings.find(id) : await tx.binding.findFirst({ where: { id, realmId: null }, include: { role: true } });
      if (!row) throw errors.notFound(`Binding "${id}"`, "binding_not_found");
      if (realm) await realmStore(tx, realm).bindings.delete(id);
      else await tx.binding.deleteMany({ where: { id, realmId: null } });
      emit("policy.binding_deleted", { realm: realm?.name ?? null, data: { binding_id: id, subject: row.subject, role: row.role.name, realm: realmName } });
    });
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(audit, actor, bindingOps.delete.action, { resource: `binding:${id}` });
  }

  private async mutableRole(name: string): Promise<RoleRow> {
    const row = await this.deps.db.role.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Role "${name}"`, "role_not_found");
    if (row.builtin) throw errors.conflict(`"${name}" is a built-in role and cannot be changed.`, "role_builtin");
    return row;
  }

  private async requireSubjectExists(subject: string) {
    const [kind, id] = subject.split(":", 2) as [string, string];
    const { db } = this.deps;
    const exists = kind === "token" ? await db.token.findUnique({ where: { id }, select: { id: true } }) : await db.user.findUnique({ where: { name: id }, select: { id: true } });
    if (!exists) throw errors.invalid(`Subject "${subject}" does not exist.`, [{ field: "subject", message: `no ${kind === "user" ? "operator" : kind} with that ${kind === "user" ? "name" : "id"}: pick one from the list (token:<id>, user:<name>, agent:<id>)` }]);
  }
}

/** Granting through a role is granting: never more than the granter holds where the grant applies. */
function requireHoldsAll(actor: Actor, capabilities: Capability[], realm: string) {
  const gap = firstGap(actor.principal, [{ realm, capabilities: new Set(capabilities) }]);
  if (gap) throw errors.forbidden(`You cannot grant "${gap.capability}"${realm === ALL_REALMS ? "" : ` in realm "${realm}"`}: you do not hold it there.`, "exceeds_issuer");
}
