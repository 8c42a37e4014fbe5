/** Realms (tenants): list what the caller may see, create, read, update, delete. */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { AccessGuard } from "../rbac/access";
import { holds, type Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { asResolvedRealm } from "../store/realm-scoped";
import type { RealmDirectory } from "./directory";

export { REALM_NAME } from "./names";

export interface RealmView {
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

function view(row: { name: string; description: string; createdAt: Date; updatedAt: Date }): RealmView {
  return { name: row.name, description: row.description, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
}

export class RealmService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
    private readonly directory: RealmDirectory,
    private readonly keyring: Keyring,
    private readonly outbox: Outbox,
  ) {}

  async list(actor: Actor): Promise<RealmView[]> {
    await this.access.requireSomewhere(actor, "realms:read", "realm.list");
    const rows = await this.db.realm.findMany({ orderBy: { name: "asc" } });
    const visible = rows.filter((r) => holds(actor.principal, "realms:read", r.name));
    await auditSuccess(this.audit, actor, "realm.list", { details: { count: visible.length } });
    return visible.map(view);
  }

  async create(actor: Actor, input: { name: string; description?: string }): Promise<RealmView> {
    await this.access.require(actor, "realms:write", "realm.create");
    if (await this.db.realm.findUnique({ where: { name: input.name } })) {
      throw errors.conflict(`A realm named "${input.name}" already exists.`, "realm_exists");
    }
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.realm.create({ data: { id: newId("rlm"), name: input.name, description: input.description ?? "" } });
      emit("realm.created", { realm: created.name, data: { name: created.name, description: created.description } });
      return created;
    });
    this.directory.invalidate(row.name);
    await this.keyring.rotate(asResolvedRealm(row));
    await auditSuccess(this.audit, actor, "realm.create", { realm: row.name });
    return view(row);
  }

  async get(actor: Actor, name: string): Promise<RealmView> {
    const realm = await this.access.requireRealm(actor, "realms:read", name, "realm.read");
    const row = await this.db.realm.findUniqueOrThrow({ where: { id: realm.id } });
    await auditSuccess(this.audit, actor, "realm.read", { realm: name });
    return view(row);
  }

  async update(actor: Actor, name: string, patch: { description?: string }): Promise<RealmView> {
    const realm = await this.access.requireRealm(actor, "realms:write", name, "realm.update");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const updated = await tx.realm.update({ where: { id: realm.id }, data: { ...(patch.description !== undefined ? { description: patch.description } : {}) } });
      emit("realm.updated", { realm: name, data: { name, description: updated.description } });
      return updated;
    });
    await auditSuccess(this.audit, actor, "realm.update", { realm: name });
    return view(row);
  }

  /** Deletes the realm with its secrets, keys and bindings. */
  async delete(actor: Actor, name: string): Promise<void> {
    const realm = await this.access.requireRealm(actor, "realms:write", name, "realm.delete");
    await this.outbox.transaction(actor, async (tx, emit) => {
      await tx.realm.delete({ where: { id: realm.id } });
      emit("realm.deleted", { realm: name, data: { name } });
    });
    this.directory.invalidate(name);
    this.keyring.forget(realm.id);
    await auditSuccess(this.audit, actor, "realm.delete", { realm: name });
  }
}
