/** /api/v1/auth/*: tokens, verify, cache. */
import { z } from "zod";
import { ZCapability } from "../../rbac/capabilities";
import { publicRoute, route, ZPageQuery } from "../route";

const ZTokenId = z.strictObject({ id: z.string().regex(/^tok_[0-9a-f]{32}$/, "not a token id") });
const ZRealmRef = z.string().regex(/^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/, 'a realm name or "*"');
const ZName = z.string().trim().min(1).max(100);

export const ZToken = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    prefix: z.string().describe("First characters of the value, for recognition only"),
    is_admin: z.boolean(),
    capabilities: z.array(ZCapability),
    realms: z.array(z.string()),
    rate_limit: z.number().int().nullable(),
    status: z.enum(["active", "expired", "revoked"]),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    created_at: z.string(),
    created_by: z.string(),
  })
  .meta({ id: "Token" });

const ZTokenWithValue = ZToken.extend({ token: z.string().describe("The token value; shown only in this response") }).meta({ id: "TokenWithValue" });

const ZCreateToken = z.strictObject({
  name: ZName,
  description: z.string().max(1000).optional(),
  ttl: z.union([z.string().max(20), z.number().int().positive()]).optional().describe('"90d", "12h", "30m", "45s" or seconds'),
  capabilities: z.array(ZCapability).max(64).optional(),
  realms: z.array(ZRealmRef).min(1).max(100).optional(),
  is_admin: z.boolean().optional(),
  rate_limit: z.number().int().min(1).max(1_000_000).nullable().optional(),
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
    response: z.object({ items: z.array(ZToken), next_cursor: z.string().nullable() }),
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
    response: z.object({ revoked: z.number().int() }),
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
    response: z.object({
      valid: z.boolean(),
      token_info: z.object({ id: z.string(), name: z.string(), is_admin: z.boolean(), expires_at: z.string().nullable() }).optional(),
      permissions: z.array(z.object({ realm: z.string(), capabilities: z.array(z.string()) })).optional(),
    }),
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
    response: z.object({ size: z.number(), max_size: z.number(), ttl_seconds: z.number(), hits: z.number(), misses: z.number(), hit_rate: z.number(), evictions: z.number() }),
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
