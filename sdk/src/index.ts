/**
 * The Arcan TypeScript SDK: a thin facade over a client generated from Arcan's OpenAPI
 * document (openapi-typescript types + openapi-fetch).
 *
 *   const client = new ArcanClient({ url: "https://arcan.example.com", token: "arc_xxx" });
 *   const secret = await client.kv.get("DATABASE_URL", { realm: "myapp" });
 */
import { Core, type ArcanClientOptions } from "./core.js";
import { AgentsResource, StsResource } from "./agents.js";
import type { AuthorizeRequest, AuthorizeResponse } from "./types.js";
import { authorize, DecisionsResource, PoliciesResource, ReviewsResource } from "./authorization.js";
import { PluginsResource } from "./plugins.js";
import { AuditResource, BindingsResource, EnginesResource, KvResource, LeaseResource, RealmsResource, RolesResource, TokensResource } from "./resources.js";

export class ArcanClient {
  readonly kv: KvResource;
  readonly tokens: TokensResource;
  readonly realms: RealmsResource;
  readonly roles: RolesResource;
  readonly bindings: BindingsResource;
  readonly audit: AuditResource;
  readonly lease: LeaseResource;
  readonly plugins: PluginsResource;
  readonly agents: AgentsResource;
  readonly sts: StsResource;
  readonly policies: PoliciesResource;
  readonly reviews: ReviewsResource;
  readonly decisions: DecisionsResource;
  readonly engines: EnginesResource;
  /** The generated openapi-fetch client, for endpoints the facade does not wrap. */
  readonly api: Core["api"];
  /** The low-level transport (JSON and form calls outside the generated types). */
  readonly core: Core;

  constructor(options: ArcanClientOptions) {
    const core = new Core(options);
    this.core = core;
    this.api = core.api;
    this.kv = new KvResource(core);
    this.tokens = new TokensResource(core);
    this.realms = new RealmsResource(core);
    this.roles = new RolesResource(core);
    this.bindings = new BindingsResource(core);
    this.audit = new AuditResource(core);
    this.lease = new LeaseResource(core);
    this.plugins = new PluginsResource(core);
    this.agents = new AgentsResource(core);
    this.sts = new StsResource(core);
    this.policies = new PoliciesResource(core);
    this.reviews = new ReviewsResource(core);
    this.decisions = new DecisionsResource(core);
    this.engines = new EnginesResource(core);
  }

  /** One agent-authorization decision: `{token}` (an STS JWT) or `{principal}`, plus action, resource, context. */
  authorize(input: AuthorizeRequest): Promise<AuthorizeResponse> {
    return authorize(this.core, input);
  }
}

export type { ArcanClientOptions } from "./core.js";
export type { Plugin, InstallPluginRequest } from "./plugins.js";
export { ArcanError, type Problem } from "./errors.js";
export type { TlsOptions } from "./transport.js";
export type * from "./types.js";
export type { components, operations, paths } from "./generated/api.js";
export type { Core } from "./core.js";
export { arcanMiddleware, type ArcanMiddlewareOptions } from "./middleware.js";
export { withMandate, type MandateOptions } from "./mandate.js";
export type { Decision, DecisionResource } from "./enforcement.js";
