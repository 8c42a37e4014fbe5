/**
 * The gateway contract: routes that map `/gateway/<name>/<path>` to an upstream, the
 * action and resource templates the decision is asked with, and where the injected
 * credential comes from (a secret, or a lease the gateway holds). Credential values are
 * never part of a route or a view.
 */
import { z } from "zod";
import { ZEngineName, ZRoleName } from "../engines/schemas";
import { ZRealmName } from "../realms/schemas";
import { ZSecretKey } from "../secrets/schemas";

export const gatewayOps = {
  create: { capability: "admin", action: "gateway_route.create" },
  list: { capability: "admin", action: "gateway_route.list" },
  get: { capability: "admin", action: "gateway_route.read" },
  update: { capability: "admin", action: "gateway_route.update" },
  delete: { capability: "admin", action: "gateway_route.delete" },
  requests: { capability: "admin", action: "gateway_request.list" },
  /** One proxied request (audited by the gateway itself; no capability: the STS token and the decision authorize it). */
  proxy: { capability: "decisions:evaluate", action: "gateway.proxy" },
} as const;

/** Placeholders the action and resource templates may use. */
export const TEMPLATE_FIELDS = ["method", "path", "route"] as const;
const TEMPLATE = /\{(\w+)\}/g;

function unknownPlaceholder(template: string): string | null {
  for (const m of template.matchAll(TEMPLATE)) if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1]!)) return m[1]!;
  return null;
}

const template = (max: number, pattern: RegExp, what: string) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((t) => pattern.test(t.replace(TEMPLATE, "x")), what)
    .superRefine((t, ctx) => {
      const bad = unknownPlaceholder(t);
      if (bad) ctx.addIssue({ code: "custom", message: `unknown placeholder {${bad}}; use {method}, {path} or {route}` });
    });

export const ZGatewayRouteName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "lowercase letters, digits and '-', at most 63 characters");
export const ZGatewayRouteParams = z.strictObject({ name: ZGatewayRouteName });

const ZActionTemplate = template(128, /^[A-Za-z0-9_.:-]+$/, "letters, digits, '_', '.', ':' and '-', with {method}, {path} or {route}").describe(
  'The decision\'s action, e.g. "billing.{method}" ({method} is the HTTP method in lowercase)',
);
const ZResourceTemplate = z.strictObject({
  type: template(64, /^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.' and '-', with {method}, {path} or {route}"),
  id: template(1024, /^[^\s]+$/, "no whitespace").describe('e.g. "{path}": the path after the route name, without its leading slash or the query'),
});

const ZHeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "an HTTP header name");
/** Headers the gateway owns: injecting into them would break framing or hop-by-hop handling. */
const RESERVED_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "te", "trailer", "upgrade", "cookie", "expect"]);

export const ZSecretSource = z.strictObject({ realm: ZRealmName, key: ZSecretKey });
export const ZLeaseSource = z.strictObject({
  realm: ZRealmName,
  engine: ZEngineName.describe("The engine mount's name"),
  role: ZRoleName,
  field: z.string().min(1).max(64).default("password").describe("Which credential of the lease is injected (default password)"),
});

export const ZInject = z
  .strictObject({
    header: ZHeaderName.refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), "this header is managed by the gateway").describe("The header the credential is sent in"),
    format: z.string().min(1).max(512).refine((f) => f.includes("{{value}}"), "must contain {{value}}").default("{{value}}").describe('e.g. "Bearer {{value}}"'),
    secret: ZSecretSource.optional().describe("A KV secret, read at each request"),
    lease: ZLeaseSource.optional().describe("A dynamic credential the gateway leases, renews at two thirds of its TTL and replaces when it ends"),
  })
  .refine((i) => (i.secret === undefined) !== (i.lease === undefined), { message: "give exactly one of secret and lease", path: ["secret"] });
export type InjectSpec = z.output<typeof ZInject>;

const ZUpstream = z.string().min(1).max(2000).describe("Base URL of the upstream (https; http only with [gateway] allow_private_networks)");
const ZTimeout = z.number().int().min(1).max(300_000);
const ZMaxBody = z.number().int().min(0).max(1024 * 1024 * 1024);

const ROUTE_EXAMPLE = {
  name: "billing",
  upstream: "https://billing.internal:9443",
  action: "billing.{method}",
  resource: { type: "endpoint", id: "{path}" },
  inject: { header: "Authorization", format: "Bearer {{value}}", secret: { realm: "myapp", key: "BILLING_API_KEY" } },
  timeout_ms: 10000,
  max_body_bytes: 1048576,
};

export const ZCreateGatewayRoute = z
  .strictObject({
    name: ZGatewayRouteName,
    upstream: ZUpstream,
    action: ZActionTemplate,
    resource: ZResourceTemplate,
    inject: ZInject,
    timeout_ms: ZTimeout.default(10_000),
    max_body_bytes: ZMaxBody.default(1024 * 1024),
  })
  .meta({ id: "CreateGatewayRouteRequest", examples: [ROUTE_EXAMPLE] });
export type CreateGatewayRouteInput = z.output<typeof ZCreateGatewayRoute>;

export const ZUpdateGatewayRoute = z
  .strictObject({
    upstream: ZUpstream.optional(),
    action: ZActionTemplate.optional(),
    resource: ZResourceTemplate.optional(),
    inject: ZInject.optional(),
    timeout_ms: ZTimeout.optional(),
    max_body_bytes: ZMaxBody.optional(),
  })
  .meta({ id: "UpdateGatewayRouteRequest", examples: [{ timeout_ms: 5000 }] });
export type UpdateGatewayRouteInput = z.output<typeof ZUpdateGatewayRoute>;

export const ZGatewayRoute = z
  .object({
    name: z.string(),
    upstream: z.string(),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string() }),
    inject: z.object({
      header: z.string(),
      format: z.string(),
      secret: z.object({ realm: z.string(), key: z.string() }).optional(),
      lease: z.object({ realm: z.string(), engine: z.string(), role: z.string(), field: z.string() }).optional(),
    }),
    credential_source: z.string().describe('Where the injected value comes from ("secret:myapp/BILLING_API_KEY", "lease:myapp/pg/readonly"); never the value'),
    timeout_ms: z.number().int(),
    max_body_bytes: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({
    id: "GatewayRoute",
    description: "A gateway route: /gateway/<name>/<path> goes to <upstream>/<path> with the credential injected",
    examples: [{ ...ROUTE_EXAMPLE, credential_source: "secret:myapp/BILLING_API_KEY", created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }],
  });
export type GatewayRouteView = z.output<typeof ZGatewayRoute>;

export const ZGatewayRouteList = z.object({ items: z.array(ZGatewayRoute) }).meta({ id: "GatewayRouteList" });

export const ZGatewayRequestsQuery = z.strictObject({
  route: ZGatewayRouteName.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type GatewayRequestsQuery = z.output<typeof ZGatewayRequestsQuery>;

export const ZGatewayRequest = z.object({
  time: z.string(),
  request_id: z.string(),
  route: z.string().nullable(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  agent: z.string().nullable(),
  decision: z.string().nullable(),
  decision_id: z.string().nullable(),
  status: z.number().int().describe("What the gateway answered"),
  upstream_status: z.number().int().nullable().describe("null when the upstream was not contacted or did not answer"),
  latency_ms: z.number().nullable(),
});
export type GatewayRequestView = z.output<typeof ZGatewayRequest>;
export const ZGatewayRequestList = z.object({ items: z.array(ZGatewayRequest) }).meta({ id: "GatewayRequestList" });

/** How a route names its credential source in views, logs and audit records. */
export function credentialSource(inject: InjectSpec): string {
  if (inject.secret) return `secret:${inject.secret.realm}/${inject.secret.key}`;
  const l = inject.lease!;
  return `lease:${l.realm}/${l.engine}/${l.role}#${l.field}`;
}
