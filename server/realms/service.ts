/** Realms (tenants): list what the caller may see, create, read, update, delete. */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { AccessGuard } from "../access/guard";
import { holds, type Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { RealmDirectory } from "../access/realm-directory";
import type { InvalidationPublisher } from "../cluster/bus";
import { realmOps as ops, type CreateRealmInput, type RealmView, type UpdateRealmInput } from "./schemas";

export type { RealmView } from "./schemas";

export interface RealmServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "require" | "requireSomewhere" | "requireRealm">;
  audit: Pick<AuditWriter, "append">;
  directory: Pick<RealmDirectory, "invalidate" | "adopt">;
  keyring: Pick<Keyring, "rotate" | "forget">;
  outbox: Pick<Outbox, "transaction">;
  bus: InvalidationPublisher;
}

function view(row: { name: string; description: string; createdAt: Date; updatedAt: Date }): RealmView {
  return { name: row.name, description: row.description, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
}

export class RealmService {
  constructor(private readonly deps: RealmServiceDeps) {}

  async list(actor: Actor): Promise<RealmView[]> {
    await this.deps.access.requireSomewhere(actor, ops.list.capability, ops.list.action);
    const rows = await this.deps.db.realm.findMany({ orderBy: { name: "asc" } });
    const visible = rows.filter((r) => holds(actor.principal, ops.list.capability, r.name));
    await auditSuccess(this.deps.audit, actor, ops.list.action, { details: { count: visible.length } });
    return visible.map(view);
  }

  async create(actor: Actor, input: CreateRealmInput): Promise<RealmView> {
    const { db, access, outbox, directory, keyring, audit } = this.deps;
    await access.require(actor, ops.create.capability, ops.create.action);
    if (await db.realm.findUnique({ where: { name: input.name } })) {
      throw errors.conflict(`A realm named "${input.name}" already exists.`, "realm_exists");
    }
    const row = await outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.realm.create({ data: { id: newId("rlm"), name: input.name, description: input.description ?? "" } });
      emit("realm.created", { realm: created.name, data: { name: created.name, description: created.description } });
      return created;
    });
    directory.invalidate(row.name);
    await this.deps.bus.publish({ kind: "realm", name: row.name });
    await keyring.rotate(directory.adopt(row));
    await auditSuccess(audit, actor, ops.create.action, { realm: row.name });
    return view(row);
  }

  async get(actor: Actor, name: string): Promise<RealmView> {
    const realm = await this.deps.access.requireRealm(actor, ops.get.capability, name, ops.get.action);
    const row = await this.deps.db.realm.findUniqueOrThrow({ where: { id: realm.id } });
    await auditSuccess(this.deps.audit, actor, ops.get.action, { realm: name });
    return view(row);
  }

  async update(actor: Actor, name: string, patch: UpdateRealmInput): Promise<RealmView> {
    const realm = await this.deps.access.requireRealm(actor, ops.update.capability, name, ops.update.action);
    const row = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const updated = await tx.realm.update({ where: { id: realm.id }, data: { ...(patch.description !== undefined ? { description: patch.description } : {}) } });
      emit("realm.updated", { realm: name, data: { name, description: updated.description } });
      return updated;
    });
    await auditSuccess(this.deps.audit, actor, ops.update.action, { realm: name });
    return view(row);
  }

  /** Deletes the realm with its secrets, keys and bindings. */
  async delete(actor: Actor, name: string): Promise<void> {
    const realm = await this.deps.access.requireRealm(actor, ops.delete.capability, name, ops.delete.action);
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      await tx.realm.delete({ where: { id: realm.id } });
      emit("realm.deleted", { realm: name, data: { name } });
    });
    this.deps.directory.invalidate(name);
    await this.deps.bus.publish({ kind: "realm", name });
    this.deps.keyring.forget(realm.id);
    await auditSuccess(this.deps.audit, actor, ops.delete.action, { realm: name });
  }
}
