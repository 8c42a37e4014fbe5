/**
 * Guardians 2 and 3 in one place: the policy check (capability → allow or 403) and
 * ResolveRealm (a realm the caller may not see, or that does not exist → 404). Every
 * domain service calls these first, whichever transport the request came by. Every
 * decision is counted; every deny is also written to the audit log.
 */
import type { AuditWriter } from "../audit/writer";
import type { DecisionRecorder } from "../decisions/recorder";
import { errors } from "../errors";
import type { Capability } from "../rbac/capabilities";
import { ALL_REALMS, canSee, holds, type Actor } from "../rbac/principal";
import type { ResolvedRealm } from "../store/realm-scoped";
import type { RealmDirectory } from "./realm-directory";

export interface AccessGuardDeps {
  directory: Pick<RealmDirectory, "byName">;
  decisions: Pick<DecisionRecorder, "record">;
  audit: Pick<AuditWriter, "append">;
}

export class AccessGuard {
  constructor(private readonly deps: AccessGuardDeps) {}

  /** A capability that is not tied to one realm (needs a grant in every realm, "*"). */
  async require(actor: Actor, capability: Capability, action: string): Promise<void> {
    if (holds(actor.principal, capability, null)) {
      if (!actor.navigation) this.deps.decisions.record({ lane: "allow", realm: ALL_REALMS, capability, subject: actor.principal.subject });
      return;
    }
    await this.deny(actor, capability, ALL_REALMS, action, 403, `missing capability ${capability}`);
    throw errors.forbidden(`This request needs the capability "${capability}".`, "missing_capability");
  }

  /**
   * For reads that span realms (lists, searches): true when the actor holds the capability
   * in every realm (an allow is recorded), false when only in some (the caller narrows to
   * those); holding it nowhere is a deny.
   */
  async requireSomewhere(actor: Actor, capability: Capability, action: string): Promise<boolean> {
    const somewhere = actor.principal.isAdmin || actor.principal.grants.some((g) => g.capabilities.has(capability) || g.capabilities.has("admin"));
    if (somewhere && !holds(actor.principal, capability, null)) return false;
    await this.require(actor, capability, action);
    return true;
  }

  async requireRealm(actor: Actor, capability: Capability, realmName: string, action: string): Promise<ResolvedRealm> {
    const { principal } = actor;
    if (!canSee(principal, realmName)) {
      await this.deny(actor, capability, realmName, action, 404, "realm not visible to the caller");
      throw errors.notFound(`Realm "${realmName}"`, "realm_not_found");
    }
    if (!holds(principal, capability, realmName)) {
      await this.deny(actor, capability, realmName, action, 403, `missing capability ${capability} in realm ${realmName}`);
      throw errors.forbidden(`This request needs the capability "${capability}" in realm "${realmName}".`, "missing_capability");
    }
    const realm = await this.deps.directory.byName(realmName);
    if (!realm) throw errors.notFound(`Realm "${realmName}"`, "realm_not_found");
    if (!actor.navigation) this.deps.decisions.record({ lane: "allow", realm: realmName, capability, subject: principal.subject });
    return realm;
  }

  /**
   * A management capability used for some realms (a token limited to `myapp`, a binding in
   * `myapp`): held in each of them is enough; "*" among them needs it in every realm.
   */
  async requireIn(actor: Actor, capability: Capability, realms: readonly string[], action: string): Promise<ResolvedRealm[]> {
    if (realms.length === 0 || realms.includes(ALL_REALMS)) {
      await this.require(actor, capability, action);
      return [];
    }
    const resolved: ResolvedRealm[] = [];
    for (const name of realms) resolved.push(await this.requireRealm(actor, capability, name, action));
    return resolved;
  }

  private async deny(actor: Actor, capability: Capability, realm: string, action: string, status: number, reason: string) {
    if (!actor.navigation) this.deps.decisions.record({ lane: "deny", realm, capability, subject: actor.principal.subject });
    await this.deps.audit.append({
      requestId: actor.requestId,
      actor: actor.principal.subject,
      action,
      outcome: "denied",
      status,
      realm: realm === ALL_REALMS ? null : realm,
      capability,
      reason,
      ip: actor.ip,
    });
  }
}
