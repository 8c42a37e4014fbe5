/** Roles (named capability sets) and bindings (subject → role in a realm or in all). */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { Db } from "../store/client";
import type { TokenCache } from "../tokens/cache";
import type { AccessGuard } from "./access";
import { BUILTIN_ROLES, type Capability } from "./capabilities";
import { parseCapabilities } from "./grants";
import { ALL_REALMS, holds, type Actor } from "./principal";

export const ROLE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const SUBJECT = /^(user:[A-Za-z0-9_.@-]{1,64}|token:tok_[0-9a-f]{32})$/;

export interface RoleView {
  name: string;
  description: string;
  capabilities: Capability[];
  builtin: boolean;
  created_at: string;
  updated_at: string;
}

export interface BindingView {
  id: string;
  subject: string;
  role: string;
  realm: string;
  created_at: string;
}

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

export class RoleService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
    private readonly tokenCache: TokenCache,
    private readonly outbox: Outbox,
  ) {}

  /** Adds the built-in roles a fresh store starts with (idempotent). */
  async ensureBuiltins(): Promise<void> {
    for (const role of BUILTIN_ROLES) {
      await this.db.role.upsert({
        where: { name: role.name },
        create: { id: newId("rol"), name: role.name, description: role.description, capabilities: JSON.stringify(role.capabilities), builtin: true },
        update: { description: role.description, capabilities: JSON.stringify(role.capabilities), builtin: true },
      });
    }
  }

  async list(actor: Actor): Promise<RoleView[]> {
    await this.requireRead(actor, "role.list");
    const rows = await this.db.role.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.audit, actor, "role.list");
    return rows.map(roleView);
  }

  async get(actor: Actor, name: string): Promise<RoleView> {
    await this.requireRead(actor, "role.read");
    const row = await this.db.role.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Role "${name}"`, "role_not_found");
    await auditSuccess(this.audit, actor, "role.read", { resource: `role:${name}` });
    return roleView(row);
  }

  async create(actor: Actor, input: { name: string; description?: string; capabilities: Capability[] }): Promise<RoleView> {
    await this.access.require(actor, "roles:write", "role.create");
    this.requireHoldsAll(actor, input.capabilities, ALL_REALMS);
    if (await this.db.role.findUnique({ where: { name: input.name } })) throw errors.conflict(`A role named "${input.name}" already exists.`, "role_exists");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.role.create({
        data: { id: newId("rol"), name: input.name, description: input.description ?? "", capabilities: JSON.stringify([...new Set(input.capabilities)]) },
      });
      emit("policy.role_created", { data: { role: created.name, capabilities: parseCapabilities(created.capabilities) } });
      return created;
    });
    await auditSuccess(this.audit, actor, "role.create", { resource: `role:${row.name}`, details: { capabilities: input.capabilities } });
    return roleView(row);
  }

  async update(actor: Actor, name: string, patch: { description?: string; capabilities?: Capability[] }): Promise<RoleView> {
    await this.access.require(actor, "roles:write", "role.update");
    const existing = await this.mutableRole(name);
    if (patch.capabilities) this.requireHoldsAll(actor, patch.capabilities, ALL_REALMS);
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
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
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "role.update", { resource: `role:${name}`, details: { fields: Object.keys(patch) } });
    return roleView(row);
  }

  async delete(actor: Actor, name: string): Promise<void> {
    await this.access.require(actor, "roles:write", "role.delete");
    const existing = await this.mutableRole(name);
    await this.outbox.transaction(actor, async (tx, emit) => {
      await tx.role.delete({ where: { id: existing.id } });
      emit("policy.role_deleted", { data: { role: name } });
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "role.delete", { resource: `role:${name}` });
  }

  async listBindings(actor: Actor): Promise<BindingView[]> {
    await this.requireRead(actor, "binding.list");
    const rows = await this.db.binding.findMany({ include: { role: true, realm: true }, orderBy: { createdAt: "asc" } });
    const visible = rows.filter((b) => holds(actor.principal, "roles:read", b.realm?.name ?? null));
    await auditSuccess(this.audit, actor, "binding.list", { details: { count: visible.length } });
    return visible.map((b) => ({ id: b.id, subject: b.subject, role: b.role.name, realm: b.realm?.name ?? ALL_REALMS, created_at: b.createdAt.toISOString() }));
  }

  /** Binds a role; the caller must hold roles:write there and every capability the role grants. */
  async bind(actor: Actor, input: { subject: string; role: string; realm: string }): Promise<BindingView> {
    const realm = input.realm === ALL_REALMS ? null : await this.access.requireRealm(actor, "roles:write", input.realm, "binding.create");
    if (!realm) await this.access.require(actor, "roles:write", "binding.create");
    const role = await this.db.role.findUnique({ where: { name: input.role } });
    if (!role) throw errors.invalid(`Role "${input.role}" does not exist.`, [{ field: "role", message: "unknown role" }]);
    this.requireHoldsAll(actor, parseCapabilities(role.capabilities), input.realm);
    await this.requireSubjectExists(input.subject);
    const duplicate = await this.db.binding.findFirst({ where: { subject: input.subject, roleId: role.id, realmId: realm?.id ?? null } });
    if (duplicate) throw errors.conflict("That binding already exists.", "binding_exists");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.binding.create({ data: { id: newId("bnd"), subject: input.subject, roleId: role.id, realmId: realm?.id ?? null } });
      emit("policy.binding_created", {
        realm: realm?.name ?? null,
        data: { binding_id: created.id, subject: input.subject, role: input.role, realm: input.realm },
      });
      return created;
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "binding.create", { resource: `binding:${row.id}`, details: { subject: input.subject, role: input.role, realm: input.realm } });
    return { id: row.id, subject: row.subject, role: role.name, realm: input.realm, created_at: row.createdAt.toISOString() };
  }

  async unbind(actor: Actor, id: string): Promise<void> {
    const row = await this.db.binding.findUnique({ where: { id }, include: { realm: true } });
    if (row?.realm) await this.access.requireRealm(actor, "roles:write", row.realm.name, "binding.delete");
    else await this.access.require(actor, "roles:write", "binding.delete");
    if (!row) throw errors.notFound(`Binding "${id}"`, "binding_not_found");
    await this.outbox.transaction(actor, async (tx, emit) => {
      const deleted = await tx.binding.delete({ where: { id }, include: { role: true } });
      emit("policy.binding_deleted", {
        realm: row.realm?.name ?? null,
        data: { binding_id: id, subject: deleted.subject, role: deleted.role.name, realm: row.realm?.name ?? ALL_REALMS },
      });
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "binding.delete", { resource: `binding:${id}` });
  }

  private async requireRead(actor: Actor, action: string) {
    await this.access.requireSomewhere(actor, "roles:read", action);
  }

  private requireHoldsAll(actor: Actor, capabilities: Capability[], realm: string) {
    for (const c of capabilities) {
      if (!holds(actor.principal, c, realm === ALL_REALMS ? null : realm)) {
        throw errors.forbidden(`You cannot grant "${c}"${realm === ALL_REALMS ? "" : ` in realm "${realm}"`}: you do not hold it there.`, "exceeds_issuer");
      }
    }
  }

  private async mutableRole(name: string): Promise<RoleRow> {
    const row = await this.db.role.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Role "${name}"`, "role_not_found");
    if (row.builtin) throw errors.conflict(`"${name}" is a built-in role and cannot be changed.`, "role_builtin");
    return row;
  }

  private async requireSubjectExists(subject: string) {
    const [kind, id] = subject.split(":", 2) as [string, string];
    const exists =
      kind === "token" ? await this.db.token.findUnique({ where: { id }, select: { id: true } }) : await this.db.user.findUnique({ where: { name: id }, select: { id: true } });
    if (!exists) throw errors.invalid(`Subject "${subject}" does not exist.`, [{ field: "subject", message: "unknown subject" }]);
  }
}
