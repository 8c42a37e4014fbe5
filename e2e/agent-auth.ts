/**
 * Agent authorization through REST for the console specs (the same calls as
 * test/enforcement/sts-fixture.ts, without server code): an agent, a trusted workload
 * issuer with its own key, the shared e2e policy, an STS exchange and /authorize.
 */
import { expect, type APIRequestContext } from "@playwright/test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { E2E_ADMIN_TOKEN } from "./env";
import { unique } from "./helpers";
import type { components } from "../sdk/src/generated/api";

export const ADMIN = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

/** The enforced policy's rules the reviews spec relies on. Policies are global: every spec that enforces a version includes these. */
export const E2E_BASE_POLICY = `@id("e2e.notes.read.allow")
permit(principal, action == Arcan::Action::"e2e.notes.read", resource);

@id("e2e.notes.share.review")
@lane("review")
@reason("sharing a note needs a human")
permit(principal, action == Arcan::Action::"e2e.notes.share", resource)
when { principal.agent.trust_tier >= 2 };
`;

export async function api<T = Record<string, unknown>>(request: APIRequestContext, method: "get" | "post" | "patch" | "delete", path: string, data?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const reply = await request[method](path, { headers: { ...ADMIN, ...headers }, ...(data === undefined ? {} : { data }) });
  expect(reply.status(), `${method.toUpperCase()} ${path}: ${await reply.text()}`).toBeLessThan(300);
  return (reply.status() === 204 ? {} : await reply.json()) as T;
}

/** Makes sure an enforced version carries E2E_BASE_POLICY's review rule (enforcing it when none does). */
export async function ensureBasePolicyEnforced(request: APIRequestContext): Promise<void> {
  const list = await api<{ items: { state: string; rules: { id: string }[] }[] }>(request, "get", "/api/v1/policies?limit=100");
  if (list.items.some((v) => v.state === "enforced" && v.rules.some((r) => r.id === "e2e.notes.share.review"))) return;
  const created = await api<{ id: string }>(request, "post", "/api/v1/policies", { source: E2E_BASE_POLICY, description: "e2e base policy" });
  await api(request, "post", `/api/v1/policies/${created.id}/activate`, { mode: "enforce" });
}

/** A `workload` trusted issuer with an ES256 key of its own; `sign` makes a JWT-SVID for a pod. */
export async function workloadIssuer(request: APIRequestContext, network = "corp-vpn"): Promise<{ sign: (pod: string) => Promise<string> }> {
  const iss = `https://${unique("spire")}.corp.example`;
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "spire-1", alg: "ES256", use: "sig" };
  await api(request, "post", "/api/v1/trusted-issuers", { name: unique("spire"), kind: "workload", issuer: iss, audience: "arcan", jwks: { keys: [jwk] }, network });
  return {
    sign: (pod) =>
      new SignJWT({ sub: `spiffe://corp/ns/sre/${pod}` })
        .setProtectedHeader({ alg: "ES256", kid: "spire-1", typ: "JWT" })
        .setIssuer(iss)
        .setAudience("arcan")
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey),
  };
}

/** RFC 8693 exchange: the admin token (subject) and the agent credential (actor), with an optional workload. */
export async function exchangeStsToken(request: APIRequestContext, opts: { credential: string; scopes: string[]; task: string; workloadToken?: string }) {
  const form: Record<string, string> = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: E2E_ADMIN_TOKEN,
    subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    actor_token: opts.credential,
    actor_token_type: "urn:arcan:params:oauth:token-type:agent_credential",
    scope: opts.scopes.join(" "),
    task: opts.task,
  };
  if (opts.workloadToken) Object.assign(form, { workload_token: opts.workloadToken, workload_token_type: "urn:ietf:params:oauth:token-type:jwt" });
  return request.post("/api/v1/sts/token", { form });
}

/** The contract's answer, as the TypeScript SDK's types generated from openapi.json name it. */
export type AuthorizeReply = components["schemas"]["AuthorizeResponse"];

/** POST /api/v1/authorize as the enforcement point (the admin token holds decisions:evaluate), tagged with our own request id. */
export function authorize(request: APIRequestContext, body: Record<string, unknown>, requestId = unique("req-e2e")): Promise<AuthorizeReply> {
  return api<AuthorizeReply>(request, "post", "/api/v1/authorize", { context: {}, ...body }, { "x-request-id": requestId });
}
