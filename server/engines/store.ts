/** Realm-scoped access to engine mounts and their roles: every query is filtered by the resolved realm. */
import type { Tx } from "../events/outbox";
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";

export interface MountRowInput {
  id: string;
  name: string;
  type: string;
  config: string;
  secretCiphertext: string;
  secretKeyVersion: number;
  createdBy: string;
}

export interface RoleRowInput {
  id: string;
  mountId: string;
  name: string;
  options: string;
  defaultTtl: number;
  maxTtl: number;
}

export class EngineRows {
  constructor(
    private readonly db: Db | Tx,
    private readonly realmId: string,
  ) {}

  list() {
    return this.db.engineMount.findMany({ where: { realmId: this.realmId }, orderBy: { name: "asc" } });
  }

  find(name: string) {
    return this.db.engineMount.findUnique({ where: { realmId_name: { realmId: this.realmId, name } } });
  }

  byId(id: string) {
    return this.db.engineMount.findFirst({ where: { id, realmId: this.realmId } });
  }

  create(data: MountRowInput) {
    return this.db.engineMount.create({ data: { ...data, realmId: this.realmId } });
  }

  async update(id: string, data: Partial<Pick<MountRowInput, "config" | "secretCiphertext" | "secretKeyVersion">> & { healthOk?: boolean; healthDetail?: string | null }) {
    await this.db.engineMount.updateMany({ where: { id, realmId: this.realmId }, data });
    return this.byId(id);
  }

  delete(id: string) {
    return this.db.engineMount.deleteMany({ where: { id, realmId: this.realmId } });
  }

  roles(mountId: string) {
    return this.db.engineRole.findMany({ where: { mountId, mount: { realmId: this.realmId } }, orderBy: { name: "asc" } });
  }

  role(mountId: string, name: string) {
    return this.db.engineRole.findFirst({ where: { mountId, name, mount: { realmId: this.realmId } } });
  }

  createRole(data: RoleRowInput) {
    return this.db.engineRole.create({ data });
  }

  async updateRole(mountId: string, name: string, data: Partial<Pick<RoleRowInput, "options" | "defaultTtl" | "maxTtl">>) {
    await this.db.engineRole.updateMany({ where: { mountId, name, mount: { realmId: this.realmId } }, data });
    return this.role(mountId, name);
  }

  deleteRole(mountId: string, name: string) {
    return this.db.engineRole.deleteMany({ where: { mountId, name, mount: { realmId: this.realmId } } });
  }
}

export function engineStore(db: Db | Tx, realm: ResolvedRealm): EngineRows {
  return new EngineRows(db, realm.id);
}

/** System-level (every realm): how many mounts use an engine type, so a plugin in use cannot be removed. */
export function countMountsOfType(db: Db, type: string): Promise<number> {
  return db.engineMount.count({ where: { type } });
}
