// What the enforcement suites need from a real Arcan with the STS and the decision service
// (issues 11a and 11): an agent, an enforced Cedar policy, and an exchanged STS token. Before
// those land the routes answer 404 route_not_found, and the suites skip with that reason.
import assert from "node:assert/strict";
import type { TestServer } from "../helpers/server";

export const NOTES_POLICY = `
@id("notes.read.allow")
permit(principal, action == Arcan::Action::"notes.read", resource);

@id("notes.share.review")
@lane("review")
permit(principal, action == Arcan::Action::"notes.share", resource);
`;

export const NOTES_SCOPES = ["notes.read:note/*", "notes.share:note/*", "notes.delete:note/*"];

/** Null when the server serves the JWKS and /api/v1/authorize; otherwise the skip reason. */
export async function missingDecisionRoutes(server: TestServer): Promise<string | null> {
  const absent = (r: { status: number; body: { code?: string } | null }) => r.status === 404 && r.body?.code === "route_not_found";
  const jwks = await server.request("GET", "/.well-known/jwks.json", { token: null });
  const authorize = await server.request("POST", "/api/v1/authorize", { body: { token: "x", action: "notes.read", resource: { type: "note", id: "1" }, context: {} } });
  if (absent(jwks) || absent(authorize)) return "the server has no STS JWKS or /api/v1/authorize yet (404 route_not_found): they arrive with issue 11 (11a: STS and JWKS)";
  return null;
}

/** Registers an agent, enforces NOTES_POLICY, and returns a function that exchanges an STS token. */
export async function prepareNotesAgent(server: TestServer, name: string): Promise<{ exchange: (scopes?: string[]) => Promise<string> }> {
  const agent = await enforcedAgent(server, { name, scopes: NOTES_SCOPES, policy: NOTES_POLICY, description: "notes tools" });
  return { exchange: (scopes = NOTES_SCOPES) => exchangeStsToken(server, agent.credential, scopes, "answer questions about the team's notes") };
}

/** Registers an agent allowed `scopes` and activates `policy` in enforce mode. */
export async function enforcedAgent(server: TestServer, opts: { name: string; scopes: string[]; policy: string; description: string }): Promise<{ id: string; credential: string }> {
  const agent = await server.request("POST", "/api/v1/agents", { body: { name: opts.name, trust_tier: 2, allowed_scopes: opts.scopes } });
  assert.equal(agent.status, 201, agent.text);
  const policy = await server.request("POST", "/api/v1/policies", { body: { source: opts.policy, description: opts.description } });
  assert.equal(policy.status, 201, policy.text);
  const activated = await server.request("POST", `/api/v1/policies/${policy.body.id}/activate`, { body: { mode: "enforce" } });
  assert.equal(activated.status, 200, activated.text);
  return { id: agent.body.id as string, credential: agent.body.credential as string };
}

/** An RFC 8693 exchange for the admin (subject) and the agent (actor): the STS token's value. */
export async function exchangeStsToken(server: TestServer, actorCredential: string, scopes: string[], task: string): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: server.adminToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    actor_token: actorCredential,
    actor_token_type: "urn:arcan:params:oauth:token-type:agent_credential",
    scope: scopes.join(" "),
    task,
  });
  const issued = await server.request("POST", "/api/v1/sts/token", { token: null, rawBody: form.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  assert.equal(issued.status, 200, issued.text);
  return issued.body.access_token as string;
}
