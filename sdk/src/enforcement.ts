/**
 * The decision and token-exchange calls the enforcement helpers (middleware, mandate, MCP
 * guard) share, on the contract's endpoints POST /api/v1/authorize and POST /api/v1/sts/token.
 */
import { decodeJwt } from "jose";
import { StsResource } from "./agents.js";
import { authorize } from "./authorization.js";
import type { Core } from "./core.js";
import type { StsExchangeInput, StsTokenResponse } from "./types.js";

export interface DecisionResource {
  type: string;
  id: string;
  attributes?: Record<string, unknown>;
}

/** The answer of POST /api/v1/authorize. */
export interface Decision {
  decision: "allow" | "review" | "deny";
  decision_id: string;
  policy_id: string | null;
  policy_version?: number | null;
  reasons: string[];
  review_id?: string;
  evaluated_in_us?: number;
}

export interface AuthorizeInput {
  /** The caller's STS JWT. */
  token: string;
  action: string;
  resource: DecisionResource | string;
  context?: Record<string, unknown>;
}

/** "type/id" or `{type, id}` → the resource object the decision endpoint takes. */
export function toResource(resource: DecisionResource | string): DecisionResource {
  if (typeof resource !== "string") return resource;
  const slash = resource.indexOf("/");
  if (slash <= 0) throw new TypeError(`A resource is "type/id" or {type, id}, got "${resource}".`);
  return { type: resource.slice(0, slash), id: resource.slice(slash + 1) };
}

/** The same call as `client.authorize`, taking the resource as "type/id" too. */
export async function authorizeCall(core: Core, input: AuthorizeInput): Promise<Decision> {
  return (await authorize(core, { token: input.token, action: input.action, resource: toResource(input.resource), context: input.context ?? {} })) as Decision;
}

/** RFC 8693 exchange: the same call as `client.sts.exchange`. */
export function exchangeCall(core: Core, input: StsExchangeInput): Promise<StsTokenResponse> {
  return new StsResource(core).exchange(input);
}

export async function revokeJti(core: Core, jti: string): Promise<void> {
  await core.send("POST", "/api/v1/sts/revoke", { jti });
}

/** The `jti` claim of a JWT, read without verifying it (the issuer is the one revoking). */
export function jtiOf(jwt: string): string | null {
  try {
    const { jti } = decodeJwt(jwt);
    return typeof jti === "string" ? jti : null;
  } catch {
    return null;
  }
}
