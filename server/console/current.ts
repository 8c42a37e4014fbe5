/** The signed-in identity for server components (root layout), from the request's session cookie. */
import { cookies } from "next/headers";
import { newRequestId } from "../ids";
import type { SessionMe } from "../session/schemas";
import { consoleServices } from "./runtime";
import { identityFromSessionCookie, SESSION_COOKIE, type ConsoleIdentity } from "./session";

/** What client components may know about the signed-in identity (never the token value). */
export interface IdentitySummary {
  name: string;
  kind: "token" | "user";
  subject: string;
  isAdmin: boolean;
}

export async function currentIdentity(): Promise<ConsoleIdentity | null> {
  const jar = await cookies();
  return identityFromSessionCookie(consoleServices(), jar.get(SESSION_COOKIE)?.value);
}

export function summarize(identity: ConsoleIdentity): IdentitySummary {
  const { principal } = identity;
  const admin = principal.isAdmin || principal.grants.some((g) => g.realm === "*" && g.capabilities.has("admin"));
  return { name: identity.name, kind: identity.kind, subject: identity.subject, isAdmin: admin };
}

/** What the signed-in principal holds where, for the first render (the client refreshes it through `session.me`). */
export function currentRights(identity: ConsoleIdentity): Promise<SessionMe> {
  const actor = { principal: identity.principal, requestId: newRequestId(), ip: null, via: "console", navigation: true } as const;
  return consoleServices().session.me(actor, identity);
}
