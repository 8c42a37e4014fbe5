/** Agent authorization: decisions, Cedar policy versions and step-up reviews. */
import type { Core } from "./core.js";
import type {
  AuthorizeRequest,
  AuthorizeResponse,
  DecisionRecord,
  DecisionReplay,
  Page,
  PolicyShadowReport,
  PolicySimulation,
  PolicyValidation,
  PolicyVersion,
  PolicyVersionList,
  Review,
  ReviewList,
} from "./types.js";

/** POST /api/v1/authorize: one decision. A deny is an answer (`decision: "deny"`), not an error. */
export function authorize(core: Core, input: AuthorizeRequest): Promise<AuthorizeResponse> {
  return core.unwrap(core.api.POST("/api/v1/authorize", { body: input }));
}

export class DecisionsResource {
  constructor(private readonly core: Core) {}

  /** The recorded decision: identity, task, action, resource, matched rules, policy version. */
  get(id: string): Promise<DecisionRecord> {
    return this.core.unwrap(this.core.api.GET("/api/v1/decisions/{id}", { params: { path: { id } } }));
  }

  /** Re-evaluates a recorded decision against `policyId` (a version id; default the enforced one). */
  replay(id: string, opts: { policyId?: string } = {}): Promise<DecisionReplay> {
    const body = opts.policyId ? { policy_id: opts.policyId } : {};
    return this.core.unwrap(this.core.api.POST("/api/v1/decisions/{id}/replay", { params: { path: { id } }, body }));
  }
}

export class PoliciesResource {
  constructor(private readonly core: Core) {}

  list(opts: Page = {}): Promise<PolicyVersionList> {
    const query = { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) };
    return this.core.unwrap(this.core.api.GET("/api/v1/policies", { params: { query } }));
  }

  get(id: string): Promise<PolicyVersion> {
    return this.core.unwrap(this.core.api.GET("/api/v1/policies/{id}", { params: { path: { id } } }));
  }

  /** A new draft version from a Cedar document (every policy needs an @id annotation). */
  create(input: { source: string; description?: string }): Promise<PolicyVersion> {
    return this.core.unwrap(this.core.api.POST("/api/v1/policies", { body: input }));
  }

  validate(id: string): Promise<PolicyValidation> {
    return this.core.unwrap(this.core.api.POST("/api/v1/policies/{id}/validate", { params: { path: { id } } }));
  }

  /** Replays recorded decisions against the version: `{replayed, changed, deltas, examples}`. */
  simulate(id: string, opts: { from?: string | Date; to?: string | Date; limit?: number } = {}): Promise<PolicySimulation> {
    const body = {
      ...(opts.from ? { from: iso(opts.from) } : {}),
      ...(opts.to ? { to: iso(opts.to) } : {}),
      ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    };
    return this.core.unwrap(this.core.api.POST("/api/v1/policies/{id}/simulate", { params: { path: { id } }, body }));
  }

  activate(id: string, mode: "enforce" | "shadow" = "enforce"): Promise<PolicyVersion> {
    return this.core.unwrap(this.core.api.POST("/api/v1/policies/{id}/activate", { params: { path: { id } }, body: { mode } }));
  }

  /** A shadow version's disagreements with the enforced one. */
  shadow(id: string, opts: { limit?: number } = {}): Promise<PolicyShadowReport> {
    return this.core.unwrap(this.core.api.GET("/api/v1/policies/{id}/shadow", { params: { path: { id }, query: opts.limit === undefined ? {} : { limit: opts.limit } } }));
  }
}

export class ReviewsResource {
  constructor(private readonly core: Core) {}

  list(opts: Page & { state?: "pending" | "approved" | "denied" | "expired" } = {}): Promise<ReviewList> {
    return this.core.unwrap(this.core.api.GET("/api/v1/reviews", { params: { query: opts } }));
  }

  get(id: string): Promise<Review> {
    return this.core.unwrap(this.core.api.GET("/api/v1/reviews/{id}", { params: { path: { id } } }));
  }

  /** The same request (user, agent, action, resource) is allowed until `ttl` ("15m" by default). */
  approve(id: string, opts: { note?: string; ttl?: string | number } = {}): Promise<Review> {
    return this.core.unwrap(this.core.api.POST("/api/v1/reviews/{id}/approve", { params: { path: { id } }, body: opts }));
  }

  deny(id: string, opts: { note?: string } = {}): Promise<Review> {
    return this.core.unwrap(this.core.api.POST("/api/v1/reviews/{id}/deny", { params: { path: { id } }, body: opts }));
  }
}

function iso(value: string | Date): string {
  return typeof value === "string" ? value : value.toISOString();
}
