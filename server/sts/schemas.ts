/**
 * The STS contract (RFC 8693 token exchange, RFC 9068 access-token claims): the form it
 * takes, the tokens it returns, its admin operations and their capabilities.
 */
import { z } from "zod";

export const stsOps = {
  exchange: { action: "sts.exchange" },
  rotateKeys: { capability: "admin", action: "sts.keys_rotate" },
  revoke: { capability: "agents:manage", action: "sts.revoke" },
  revocations: { capability: "agents:read", action: "sts.revocations" },
} as const;

export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const TOKEN_TYPE_ACCESS = "urn:ietf:params:oauth:token-type:access_token";
export const TOKEN_TYPE_ID = "urn:ietf:params:oauth:token-type:id_token";
export const TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt";
export const TOKEN_TYPE_AGENT = "urn:arcan:params:oauth:token-type:agent_credential";
export const MAX_TASK_LENGTH = 200;

/** OAuth error codes this endpoint answers with (RFC 6749 §5.2, RFC 8693 §2.2.2). */
export type OAuthErrorCode = "invalid_request" | "invalid_scope" | "invalid_target" | "unsupported_grant_type";

/**
 * Every field is an optional string here: the service checks them, so each problem is
 * answered with its OAuth error code rather than a generic validation error. Unknown
 * parameters are ignored (RFC 6749 §3.2).
 */
const param = z.string().max(16_384).optional();
export const ZStsTokenRequest = z
  .looseObject({
    grant_type: param.describe(GRANT_TOKEN_EXCHANGE),
    subject_token: param.describe("An Arcan API token or an ID token of a `user` trusted issuer"),
    subject_token_type: param.describe(`${TOKEN_TYPE_ACCESS} or ${TOKEN_TYPE_ID}`),
    actor_token: param.describe("The agent's agt_ credential"),
    actor_token_type: param.describe(TOKEN_TYPE_AGENT),
    workload_token: param.describe("A JWT-SVID or service-account token of a `workload` trusted issuer (optional)"),
    workload_token_type: param.describe(TOKEN_TYPE_JWT),
    scope: param.describe("Space-separated scopes"),
    task: param.describe(`The task descriptor, at most ${MAX_TASK_LENGTH} characters`),
    audience: param,
    requested_ttl: param.describe("Seconds; capped by [sts] max_ttl"),
  })
  .meta({ id: "StsTokenRequest" });
export type StsTokenRequest = z.output<typeof ZStsTokenRequest>;

export const ZStsTokenResponse = z
  .object({
    access_token: z.string(),
    issued_token_type: z.literal(TOKEN_TYPE_JWT),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    scope: z.string().describe("The granted scopes, space-separated"),
  })
  .meta({ id: "StsTokenResponse" });
export type StsTokenResponse = z.output<typeof ZStsTokenResponse>;

export const ZJwksDocument = z
  .object({ keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), y: z.string(), kid: z.string(), alg: z.string(), use: z.string() })) })
  .meta({ id: "StsJwks", description: "The STS's public signing keys: the current one and those still published after a rotation" });

export const ZKeyRotation = z
  .object({ kid: z.string(), previous_kid: z.string().nullable(), previous_published_until: z.string().nullable() })
  .meta({ id: "StsKeyRotation" });

export const ZRevokeRequest = z.strictObject({ jti: z.string().min(1).max(200) }).meta({ id: "StsRevokeRequest" });
export type RevokeInput = z.output<typeof ZRevokeRequest>;

export const ZRevocation = z.object({ jti: z.string(), revoked_at: z.string(), expires_at: z.string().describe("After this, no token with the jti could be valid") }).meta({ id: "StsRevocation" });

export const ZRevocationsQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().describe("ISO 8601; revocations after this time (default: all kept)"),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export type RevocationsQuery = z.output<typeof ZRevocationsQuery>;

export const ZRevocationList = z.object({ items: z.array(ZRevocation) }).meta({ id: "StsRevocationList" });
