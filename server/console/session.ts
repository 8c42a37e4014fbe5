/**
 * Who a console request is acting as. The NextAuth session cookie holds an encrypted JWT
 * (JWE, key derived from NEXTAUTH_SECRET); it is re-checked on every request, so a
 * revoked token or a disabled operator loses access within the token-cache TTL.
 *   - token sessions keep the API token value (server-readable only) and re-authenticate
 *     it through the token service;
 *   - operator sessions keep the name, and the users service rebuilds the principal.
 */
import { decode } from "next-auth/jwt";
import type { Principal } from "../rbac/principal";
import type { Services } from "../services";

export const SESSION_COOKIE = "__Host-arcan.session";
export const SESSION_MAX_AGE_SECONDS = 8 * 3600;

/** What the encrypted session JWT carries under `arcan`. Never sent to client code. */
export type SessionClaim = { kind: "token"; cred: string } | { kind: "user"; name: string };

export interface ConsoleIdentity {
  principal: Principal;
  kind: "token" | "user";
  name: string;
  subject: string;
}

export function isSessionClaim(value: unknown): value is SessionClaim {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.kind === "token" && typeof v.cred === "string") || (v.kind === "user" && typeof v.name === "string");
}

export async function identityFromClaim(services: Services, claim: SessionClaim): Promise<ConsoleIdentity | null> {
  let principal: Principal | null;
  if (claim.kind === "token") {
    const auth = await services.tokenAuth.authenticate(claim.cred);
    principal = auth.ok ? auth.principal : null;
  } else {
    principal = await services.users.sessionPrincipal(claim.name);
  }
  if (!principal) return null;
  return { principal, kind: principal.kind, name: principal.name, subject: principal.subject };
}

/** The identity behind a session cookie value, or null (no cookie, bad cookie, access lost). */
export async function identityFromSessionCookie(services: Services, cookie: string | undefined): Promise<ConsoleIdentity | null> {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!cookie || !secret) return null;
  const jwt = await decode({ token: cookie, secret }).catch(() => null);
  const claim = jwt?.arcan;
  return isSessionClaim(claim) ? identityFromClaim(services, claim) : null;
}

/** Reads one cookie from a Cookie header. */
export function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
