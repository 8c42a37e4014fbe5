/**
 * The console session: the principal's rights per realm (derived from its grants, so it
 * needs no `realms:read`) and the names behind subjects. Nothing here is an operator
 * action: it writes no audit records.
 */
import type { AccessGuard } from "../access/guard";
import { CAPABILITIES } from "../rbac/capabilities";
import { canSee, holds, type Actor } from "../rbac/principal";
import type { SubjectDirectory } from "../rbac/subjects";
import type { Db } from "../store/client";
import { sessionOps as ops, type SessionMe, type SubjectName } from "./schemas";

export interface SessionServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "requireSomewhere">;
  subjects: Pick<SubjectDirectory, "resolve" | "search">;
}

export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  async me(actor: Actor, identity: { name: string; kind: "token" | "user" }): Promise<SessionMe> {
    const { principal } = actor;
    const rows = await this.deps.db.realm.findMany({ orderBy: { name: "asc" }, select: { name: true, description: true } });
    return {
      subject: principal.subject,
      name: identity.name,
      kind: identity.kind,
      is_admin: principal.isAdmin,
      everywhere: CAPABILITIES.filter((c) => holds(principal, c, null)),
      realms: rows.filter((r) => canSee(principal, r.name)).map((r) => ({ ...r, capabilities: CAPABILITIES.filter((c) => holds(principal, c, r.name)) })),
    };
  }

  /** Names for subjects the console already shows (audit rows, bindings, version history). */
  names(subjects: readonly string[]): Promise<SubjectName[]> {
    return this.deps.subjects.resolve(subjects);
  }

  /** Subjects to pick from when binding a role. */
  async search(actor: Actor, query: string): Promise<SubjectName[]> {
    await this.deps.access.requireSomewhere(actor, ops.subjects.capability, ops.subjects.action);
    return this.deps.subjects.search(query);
  }
}
