/** Shared by the agent-authorization suites: the seed's policy, composite identities, and calls. */
import assert from "node:assert/strict";
import type { Reply, TestServer } from "../helpers/server";

/** Seed 003's scenario, with a review lane and a forbid that overrides a permit. */
export const SEED_POLICY = `// Finance users' agents may read FIN projects.
@id("jira_finance.allow")
permit(principal, action == Arcan::Action::"jira.read", resource)
when { principal.user.roles.contains("finance") && resource.type == "project" && resource.id like "FIN-*" };

@id("jira.escalate.review")
@lane("review")
@reason("escalations need a human")
permit(principal, action == Arcan::Action::"jira.escalate", resource)
when { principal.agent.trust_tier >= 2 };

@id("jira.delete.allow")
permit(principal, action == Arcan::Action::"jira.delete", resource);

@id("jira.delete.forbid")
@reason("agents never delete issues")
forbid(principal, action == Arcan::Action::"jira.delete", resource);
`;

export interface Composite {
  user: { id: string; email?: string; roles: string[]; groups: string[] };
  agent: { id: string; name: string; trust_tier: number };
  workload: { sub: string; issuer: string; network: string | null; attested: boolean } | null;
}

export function composite(opts: { user?: string; roles?: string[]; agent?: string; tier?: number; network?: string } = {}): Composite {
  return {
    user: { id: opts.user ?? "u.olsen", email: "u.olsen@example.com", roles: opts.roles ?? ["finance"], groups: [] },
    agent: { id: opts.agent ?? "pk-93f", name: "invoice-reconciler", trust_tier: opts.tier ?? 2 },
    workload: { sub: "spiffe://corp/ns/sre/pod.sre-prod-4", issuer: "https://spire.corp", network: opts.network ?? "corp-vpn", attested: true },
  };
}

export function authorize(s: TestServer, body: Record<string, unknown>, token?: string): Promise<Reply> {
  return s.request("POST", "/api/v1/authorize", { body, ...(token ? { token } : {}) });
}

/** A principal-form decision; asserts the 200 and returns the body. */
export async function decide(s: TestServer, action: string, resource: { type: string; id: string; attributes?: Record<string, unknown> }, principal: Composite = composite(), context: Record<string, unknown> = {}) {
  const r = await authorize(s, { principal, action, resource, context: { task: "reconcile-invoices-q3", ...context } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

export async function createPolicy(s: TestServer, source: string, description = ""): Promise<{ id: string; version: number }> {
  const r = await s.request("POST", "/api/v1/policies", { body: { source, description } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

export async function activate(s: TestServer, id: string, mode: "enforce" | "shadow" = "enforce"): Promise<void> {
  const r = await s.request("POST", `/api/v1/policies/${id}/activate`, { body: { mode } });
  assert.equal(r.status, 200, r.text);
}
