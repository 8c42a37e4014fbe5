/** The tokens contract: wire shapes of every token operation and its capability and audit action. */
import { z } from "zod";
import { ZCapabilityName, type Operation } from "../rbac/capabilities";
import { ZDescription, ZRealmRef } from "../realms/schemas";
import { parseTtl } from "./ttl";

export const TOKEN_ID = /^tok_[0-9a-f]{32}$/;
export const ZTokenId = z.string().regex(TOKEN_ID, "not a token id").meta({ examples: ["tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b"] });
export const ZTokenParams = z.strictObject({ id: ZTokenId });
/** Names need not be unique (as in Arc): the id tells tokens apart, and every view shows it. */
export const ZTokenName = z.string().trim().min(1, "a name is required").max(100);
export const ZTtl = z
  .union([z.string().max(20), z.number().int().positive()])
  .refine((v) => parseTtl(v) !== null, 'a TTL such as "90d", "12h", "30m", "45s" or a number of seconds (at most 10 years)')
  .describe('"90d", "12h", "30m", "45s" or seconds');
export const ZRateLimit = z.number().int().min(1).max(1_000_000).nullable().describe("Requests per second; null = the server default");

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

export const ZTokenWithValue = ZToken.extend({ token: z.string().describe("The token value; shown only in this response") }).meta({
  id: "TokenWithValue",
  description: "A token with its value, returned once by create and rotate",
  examples: [{ ...TOKEN_EXAMPLE, token: "arc_4Hq2ZkP9mW3xV7bN1cR5tY8uJ0aLdE6fGs2" }],
});
export const ZTokenList = z
  .object({ items: z.array(ZToken), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") })
  .meta({ id: "TokenList" });

export const ZCreateToken = z
  .strictObject({
    name: ZTokenName,
    description: ZDescription.optional(),
    ttl: ZTtl.optional(),
    capabilities: z.array(ZCapabilityName).max(64).optional().describe("Default: none; never more than the issuer holds in the realms asked for"),
    realms: z.array(ZRealmRef).min(1, "choose at least one realm").max(100).optional().describe('Default: ["*"]'),
    is_admin: z.boolean().optional(),
    rate_limit: ZRateLimit.optional(),
  })
  .meta({
    id: "CreateTokenRequest",
    examples: [{ name: "ci-pipeline", ttl: "90d", capabilities: ["secrets:read", "leases:create"], realms: ["myapp"] }],
  });
export const ZUpdateToken = z.strictObject({ name: ZTokenName.optional(), description: ZDescription.optional(), rate_limit: ZRateLimit.optional() });
export const ZRevokeAll = z.strictObject({ include_self: z.boolean().optional() });
export const ZRevokeAllResult = z.object({ revoked: z.number().int().describe("How many tokens were revoked") }).meta({ id: "RevokeAllResult", examples: [{ revoked: 12 }] });

export const ZTokenVerification = z
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
  });
export const ZCacheStats = z
  .object({ size: z.number(), max_size: z.number(), ttl_seconds: z.number(), hits: z.number(), misses: z.number(), hit_rate: z.number(), evictions: z.number() })
  .meta({ id: "TokenCacheStats", examples: [{ size: 12, max_size: 1000, ttl_seconds: 30, hits: 5120, misses: 40, hit_rate: 0.992, evictions: 0 }] });

export type TokenView = z.output<typeof ZToken>;
export type TokenWithValue = z.output<typeof ZTokenWithValue>;
export type CreateTokenInput = z.output<typeof ZCreateToken>;
export type UpdateTokenInput = z.output<typeof ZUpdateToken>;
export type TokenVerification = z.output<typeof ZTokenVerification>;

export const tokenOps = {
  create: { capability: "tokens:create", action: "token.create" },
  list: { capability: "tokens:read", action: "token.list" },
  get: { capability: "tokens:read", action: "token.read" },
  update: { capability: "tokens:create", action: "token.update" },
  rotate: { capability: "tokens:create", action: "token.rotate" },
  revoke: { capability: "tokens:revoke", action: "token.revoke" },
  revokeAll: { capability: "admin", action: "token.revoke_all" },
  delete: { capability: "tokens:revoke", action: "token.delete" },
  cacheStats: { capability: "admin", action: "token_cache.stats" },
  invalidateCache: { capability: "admin", action: "token_cache.invalidate" },
} as const satisfies Record<string, Operation>;
