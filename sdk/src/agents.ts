/** Agents and the STS: register agents, and exchange user + agent (+ workload) tokens for a task-bound token. */
import type { Core } from "./core.js";
import type { Agent, AgentList, AgentWithCredential, CreateAgentRequest, Page, StsExchangeInput, StsTokenResponse, UpdateAgentRequest } from "./types.js";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
const AGENT_CREDENTIAL = "urn:arcan:params:oauth:token-type:agent_credential";
const JWT = "urn:ietf:params:oauth:token-type:jwt";

export class AgentsResource {
  constructor(private readonly core: Core) {}

  /** Registers an agent; the returned `credential` (agt_…) is shown only this once. */
  create(input: CreateAgentRequest): Promise<AgentWithCredential> {
    return this.core.unwrap(this.core.api.POST("/api/v1/agents", { body: input }));
  }

  list(opts: Page = {}): Promise<AgentList> {
    const query = { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) };
    return this.core.unwrap(this.core.api.GET("/api/v1/agents", { params: { query } }));
  }

  get(id: string): Promise<Agent> {
    return this.core.unwrap(this.core.api.GET("/api/v1/agents/{id}", { params: { path: { id } } }));
  }

  update(id: string, patch: UpdateAgentRequest): Promise<Agent> {
    return this.core.unwrap(this.core.api.PATCH("/api/v1/agents/{id}", { params: { path: { id } }, body: patch }));
  }

  /** Disables the agent: its tokens stop working at once. */
  disable(id: string): Promise<Agent> {
    return this.update(id, { disabled: true });
  }

  /** A new credential (shown once); the old one stops exchanging. */
  rotate(id: string): Promise<AgentWithCredential> {
    return this.core.unwrap(this.core.api.POST("/api/v1/agents/{id}/rotate", { params: { path: { id } } }));
  }

  async delete(id: string): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/agents/{id}", { params: { path: { id } } }));
  }
}

export class StsResource {
  constructor(private readonly core: Core) {}

  /** RFC 8693 token exchange; an OAuth error is an ArcanError whose `code` is the OAuth error code. */
  exchange(input: StsExchangeInput): Promise<StsTokenResponse> {
    const form: Record<string, string> = {
      grant_type: TOKEN_EXCHANGE,
      subject_token: input.subjectToken,
      subject_token_type: input.subjectTokenType ?? (input.subjectToken.split(".").length === 3 ? ID_TOKEN : ACCESS_TOKEN),
      actor_token: input.actorToken,
      actor_token_type: AGENT_CREDENTIAL,
      scope: Array.isArray(input.scope) ? input.scope.join(" ") : input.scope,
      task: input.task,
      ...(input.workloadToken ? { workload_token: input.workloadToken, workload_token_type: JWT } : {}),
      ...(input.audience ? { audience: input.audience } : {}),
      ...(input.requestedTtl === undefined ? {} : { requested_ttl: String(input.requestedTtl) }),
    };
    return this.core.unwrap(
      this.core.api.POST("/api/v1/sts/token", {
        body: form,
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
    );
  }
}
