/**
 * The Arcan TypeScript SDK: a thin facade over a client generated from Arcan's OpenAPI
 * document (openapi-typescript types + openapi-fetch).
 *
 *   const client = new ArcanClient({ url: "https://arcan.example.com", token: "arc_xxx" });
 *   const secret = await client.kv.get("DATABASE_URL", { realm: "myapp" });
 */
import { Core, type ArcanClientOptions } from "./core.js";
import { AuditResource, BindingsResource, KvResource, LeaseResource, RealmsResource, RolesResource, TokensResource } from "./resources.js";

export class ArcanClient {
  readonly kv: KvResource;
  readonly tokens: TokensResource;
  readonly realms: RealmsResource;
  readonly roles: RolesResource;
  readonly bindings: BindingsResource;
  readonly audit: AuditResource;
  readonly lease: LeaseResource;
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
  }
}

export type { ArcanClientOptions } from "./core.js";
export { ArcanError, type Problem } from "./errors.js";
export type { TlsOptions } from "./transport.js";
export type * from "./types.js";
export type { components, operations, paths } from "./generated/api.js";
export type { Core } from "./core.js";
export { arcanMiddleware, type ArcanMiddlewareOptions } from "./middleware.js";
export { withMandate, type MandateOptions } from "./mandate.js";
export type { Decision, DecisionResource } from "./enforcement.js";
