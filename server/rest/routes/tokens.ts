/** /api/v1/auth/*: tokens, verify, cache. */
import { z } from "zod";
import { ZCapability } from "../../rbac/capabilities";
import { publicRoute, route, ZPageQuery } from "../route";

const ZTokenId = z.strictObject({ id: z.string().regex(/^tok_[0-9a-f]{32}$/, "not a token id").meta({ examples: ["tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b"] }) });
const ZRealmRef = z.string().regex(/^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/, 'a realm name or "*"');
/** The capability enum as one named schema, shared by the token and role routes. */
export const ZCapabilityName = ZCapability.meta({ id: "Capability", description: "A permission a token or role grants" });

const TOKEN_EXAMPLE = {
  id: "tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b",
  name: "ci-pipeline",
  description: "",
  prefix: "arc_4Hq2",
  is_admin: false,
  capabilities: ["secrets:read", "leases:create"],
  realms: ["myapp"],
  rate_limit: null,
  status: "active",
  expires_at: "2027-02-20T10:00:00.000Z",
  revoked_at: null,
  last_used_at: null,
  created_at: "2026-11-22T10:00:00.000Z",
  created_by: "token:tok_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
};
const ZName = z.string().trim().min(1).max(100);

export const ZToken = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    prefix: z.string().describe("First characters of the value, for recognition only"),
    is_admin: z.boolean(),
    capabilities: z.array(ZCapabilityName),
    realms: z.array(z.string()).describe('Realms the capabilities apply in ("*" = every realm)'),
    rate_limit: z.number().int().nullable(),
    status: z.enum(["active", "expired", "revoked"]),
    expires_at: z.string().nullable().describe("ISO 8601; null = never expires"),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
    created_by: z.string().describe('The issuer: "token:<id>" or "user:<name>"'),
  })
  .meta({ id: "Token", description: "An API token (never its value or hash)", examples: [TOKEN_EXAMPLE] });

const ZTokenWithValue = ZToken.extend({ token: z.string().describe("The token value; shown only in this response") }).meta({
  id: "TokenWithValue",
  description: "A token with its value, returned once by create and rotate",
  examples: [{ ...TOKEN_EXAMPLE, token: "arc_4Hq2ZkP9mW3xV7bN1cR5tY8uJ0aLdE6fGs2" }],
});

const ZCreateToken = z.strictObject({
  name: ZName,
  description: z.string().max(1000).optional(),
  ttl: z.union([z.string().max(20), z.number().int().positive()]).optional().describe('"90d", "12h", "30m", "45s" or seconds'),
  capabilities: z.array(ZCapabilityName).max(64).optional().describe("Default: the issuer's capabilities; never more than the issuer holds"),
  realms: z.array(ZRealmRef).min(1).max(100).optional().describe('Default: ["*"]'),
  is_admin: z.boolean().optional(),
  rate_limit: z.number().int().min(1).max(1_000_000).nullable().optional().describe("Requests per second; null = the server default"),
}).meta({
  id: "CreateTokenRequest",
  examples: [{ name: "ci-pipeline", ttl: "90d", capabilities: ["secrets:read", "leases:create"], realms: ["myapp"] }],
});

export const tokenRoutes = [
  route({
    method: "POST",
    path: "/api/v1/auth/tokens",
    operationId: "createToken",
    summary: "Create a token (its value is shown once)",
    tag: "tokens",
    capability: "tokens:create",
    body: ZCreateToken,
    status: 201,
    response: ZTokenWithValue,
    handle: ({ actor, body, services }) =>
      services.tokens.create(actor, {
        name: body.name,
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.ttl !== undefined ? { ttl: body.ttl } : {}),
        ...(body.capabilities ? { capabilities: body.capabilities } : {}),
        ...(body.realms ? { realms: body.realms } : {}),
        ...(body.is_admin !== undefined ? { isAdmin: body.is_admin } : {}),
        ...(body.rate_limit !== undefined ? { rateLimit: body.rate_limit } : {}),
      }),
  }),
  route({
    method: "GET",
    path: "/api/v1/auth/tokens",
    operationId: "listTokens",
    summary: "List tokens (never their values or hashes)",
    tag: "tokens",
    capability: "tokens:read",
    query: ZPageQuery,
    response: z.object({ items: z.array(ZToken), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "TokenList" }),
    handle: ({ actor, query, services }) => services.tokens.list(actor, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/tokens/revoke-all",
    operationId: "revokeAllTokens",
    summary: "Revoke every token (the caller's own survives unless include_self)",
    tag: "tokens",
    capability: "admin",
    body: z.strictObject({ include_self: z.boolean().optional() }).optional(),
    response: z.object({ revoked: z.number().int().describe("How many tokens were revoked") }).meta({ id: "RevokeAllResult", examples: [{ revoked: 12 }] }),
    handle: ({ actor, body, services }) => services.tokens.revokeAll(actor, body?.include_self ?? false),
  }),
  route({
    method: "GET",
    path: "/api/v1/auth/tokens/:id",
    operationId: "getToken",
    summary: "Token details",
    tag: "tokens",
    capability: "tokens:read",
    params: ZTokenId,
    response: ZToken,
    handle: ({ actor, params, services }) => services.tokens.get(actor, params.id),
  }),
  route({
    method: "PATCH",
    path: "/api/v1/auth/tokens/:id",
    operationId: "updateToken",
    summary: "Update a token's name, description or rate limit",
    tag: "tokens",
    capability: "tokens:create",
    params: ZTokenId,
    body: z.strictObject({ name: ZName.optional(), description: z.string().max(1000).optional(), rate_limit: z.number().int().min(1).max(1_000_000).nullable().optional() }),
    response: ZToken,
    handle: ({ actor, params, body, services }) =>
      services.tokens.update(actor, params.id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.rate_limit !== undefined ? { rateLimit: body.rate_limit } : {}),
      }),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/auth/tokens/:id",
    operationId: "deleteToken",
    summary: "Delete a token",
    tag: "tokens",
    capability: "tokens:revoke",
    params: ZTokenId,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.tokens.delete(actor, params.id),
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/tokens/:id/rotate",
    operationId: "rotateToken",
    summary: "New value, same id and permissions",
    tag: "tokens",
    capability: "tokens:create",
    params: ZTokenId,
    response: ZTokenWithValue,
    handle: ({ actor, params, services }) => services.tokens.rotate(actor, params.id),
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/tokens/:id/revoke",
    operationId: "revokeToken",
    summary: "Revoke a token now",
    tag: "tokens",
    capability: "tokens:revoke",
    params: ZTokenId,
    response: ZToken,
    handle: ({ actor, params, services }) => services.tokens.revoke(actor, params.id),
  }),
  publicRoute({
    method: "GET",
    path: "/api/v1/auth/verify",
    operationId: "verifyToken",
    summary: "Check a token (public)",
    tag: "tokens",
    response: z
      .object({
        valid: z.boolean(),
        token_info: z.object({ id: z.string(), name: z.string(), is_admin: z.boolean(), expires_at: z.string().nullable() }).optional(),
        permissions: z.array(z.object({ realm: z.string(), capabilities: z.array(z.string()) })).optional(),
      })
      .meta({
        id: "TokenVerification",
        examples: [
          {
            valid: true,
            token_info: { id: TOKEN_EXAMPLE.id, name: "ci-pipeline", is_admin: false, expires_at: TOKEN_EXAMPLE.expires_at },
            permissions: [{ realm: "myapp", capabilities: ["secrets:read", "leases:create"] }],
          },
        ],
      }),
    responses: { "401": { description: "No token, or an invalid, expired or revoked one", schema: z.object({ valid: z.literal(false) }) } },
    handle: async ({ credential, services }) => {
      const auth = credential ? await services.tokens.authenticate(credential) : null;
      if (!auth?.ok) return { raw: true, status: 401, contentType: "application/json", body: JSON.stringify({ valid: false }) };
      const p = auth.principal;
      return {
        valid: true,
        token_info: { id: p.id, name: p.name, is_admin: p.isAdmin, expires_at: p.expiresAt?.toISOString() ?? null },
        permissions: p.grants.map((g) => ({ realm: g.realm, capabilities: [...g.capabilities] })),
      };
    },
  }),
  route({
    method: "GET",
    path: "/api/v1/auth/cache/stats",
    operationId: "tokenCacheStats",
    summary: "Token cache statistics",
    tag: "tokens",
    capability: "admin",
    response: z
      .object({ size: z.number(), max_size: z.number(), ttl_seconds: z.number(), hits: z.number(), misses: z.number(), hit_rate: z.number(), evictions: z.number() })
      .meta({ id: "TokenCacheStats", examples: [{ size: 12, max_size: 1000, ttl_seconds: 30, hits: 5120, misses: 40, hit_rate: 0.992, evictions: 0 }] }),
    handle: ({ actor, services }) => services.tokens.cacheStats(actor),
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/cache/invalidate",
    operationId: "invalidateTokenCache",
    summary: "Drop every cached token",
    tag: "tokens",
    capability: "admin",
    response: z.object({ invalidated: z.boolean() }),
    handle: ({ actor, services }) => services.tokens.invalidateCache(actor),
  }),
];
