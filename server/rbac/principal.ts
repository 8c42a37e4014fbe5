/**
 * Who is acting, and what they may do where. A grant gives capabilities in one realm
 * (by name) or in every realm ("*"). A principal's grants come from its own token
 * (capabilities × realms) and from the role bindings of its subject.
 */
import type { Capability } from "./capabilities";

export const ALL_REALMS = "*";

export interface Grant {
  realm: string; // realm name or ALL_REALMS
  capabilities: ReadonlySet<Capability>;
}

export interface Principal {
  /** "token:<id>" or "user:<name>": the RBAC subject. */
  subject: string;
  kind: "token" | "user";
  id: string;
  name: string;
  isAdmin: boolean;
  grants: readonly Grant[];
  /** Requests per second for this principal; null means the configured default. */
  rateLimit: number | null;
  expiresAt: Date | null;
}

/** The caller of a domain service: who, and which request (for audit and logs). */
export interface Actor {
  principal: Principal;
  requestId: string;
  ip: string | null;
  via: "rest" | "console" | "system";
  /**
   * A read the console makes to draw its own pages (lists, the session's rights): its
   * allows and denies are not counted on the decision chart and its successes are not
   * audited, so browsing is not read as traffic. Denies stay in the audit log.
   */
  navigation?: boolean;
}

export function holds(principal: Principal, capability: Capability, realm: string | null): boolean {
  if (principal.isAdmin) return true;
  for (const grant of principal.grants) {
    const covers = grant.realm === ALL_REALMS || (realm !== null && grant.realm === realm);
    if (covers && (grant.capabilities.has(capability) || grant.capabilities.has("admin"))) return true;
  }
  return false;
}

/** A grant the issuer does not hold itself: which capability, in which realm ("*": every realm). */
export interface GrantGap {
  capability: Capability;
  realm: string;
}

/**
 * The one "never more than the issuer holds" rule (token create, rotate, update, revoke,
 * delete; role and binding changes): the first capability of `grants` that `issuer` does
 * not hold where the grant applies, or null when the issuer covers them all.
 */
export function firstGap(issuer: Principal, grants: readonly Grant[]): GrantGap | null {
  for (const grant of grants) {
    for (const capability of grant.capabilities) {
      if (!holds(issuer, capability, grant.realm === ALL_REALMS ? null : grant.realm)) return { capability, realm: grant.realm };
    }
  }
  return null;
}

/** Whether `issuer` holds everything `grants` give (and is an admin, when the target is one). */
export function covers(issuer: Principal, grants: readonly Grant[], targetIsAdmin = false): boolean {
  return (!targetIsAdmin || issuer.isAdmin) && firstGap(issuer, grants) === null;
}

/** A realm is visible to a principal that holds any capability in it. */
export function canSee(principal: Principal, realm: string): boolean {
  if (principal.isAdmin) return true;
  return principal.grants.some((g) => (g.realm === ALL_REALMS || g.realm === realm) && g.capabilities.size > 0);
}

export const SYSTEM_PRINCIPAL: Principal = {
  subject: "system",
  kind: "token",
  id: "system",
  name: "system",
  isAdmin: true,
  grants: [],
  rateLimit: null,
  expiresAt: null,
};
