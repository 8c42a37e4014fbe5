/**
 * The decision and token-exchange calls the enforcement helpers (middleware, mandate, MCP
 * guard) share, on the contract's endpoints POST /api/v1/authorize and POST /api/v1/sts/token.
 */
import { decodeJwt } from "jose";
import type { Core } from "./core.js";

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

export interface ExchangeInput {
  /** The user's Arcan API token (arc_…) or an ID token of a `user` issuer (then set subjectTokenType). */
  subjectToken: string;
  subjectTokenType?: string;
  /** The agent's credential (agt_…). */
  actorToken: string;
  /** A workload attestation (SPIFFE JWT-SVID or Kubernetes service-account token). */
  workloadToken?: string;
  scope: string[] | string;
  task: string;
  audience?: string;
  requestedTtl?: string | number;
}

export interface ExchangedToken {
  access_token: string;
  issued_token_type: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

export const TOKEN_TYPE = {
  accessToken: "urn:ietf:params:oauth:token-type:access_token",
  idToken: "urn:ietf:params:oauth:token-type:id_token",
  jwt: "urn:ietf:params:oauth:token-type:jwt",
  agentCredential: "urn:arcan:params:oauth:token-type:agent_credential",
} as const;

/** "type/id" or `{type, id}` → the resource object the decision endpoint takes. */
export function toResource(resource: DecisionResource | string): DecisionResource {
  if (typeof resource !== "string") return resource;
  const slash = resource.indexOf("/");
  if (slash <= 0) throw new TypeError(`A resource is "type/id" or {type, id}, got "${resource}".`);
  return { type: resource.slice(0, slash), id: resource.slice(slash + 1) };
}

export function authorizeCall(core: Core, input: AuthorizeInput): Promise<Decision> {
  return core.send<Decision>("POST", "/api/v1/authorize", { token: input.token, action: input.action, resource: toResource(input.resource), context: input.context ?? {} });
}

export function exchangeCall(core: Core, input: ExchangeInput): Promise<ExchangedToken> {
  const form: Record<string, string> = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: input.subjectToken,
    subject_token_type: input.subjectTokenType ?? TOKEN_TYPE.accessToken,
    actor_token: input.actorToken,
    actor_token_type: TOKEN_TYPE.agentCredential,
    scope: Array.isArray(input.scope) ? input.scope.join(" ") : input.scope,
    task: input.task,
  };
  if (input.workloadToken) Object.assign(form, { workload_token: input.workloadToken, workload_token_type: TOKEN_TYPE.jwt });
  if (input.audience) form.audience = input.audience;
  if (input.requestedTtl !== undefined) form.requested_ttl = String(input.requestedTtl);
  return core.sendForm<ExchangedToken>("/api/v1/sts/token", form);
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
