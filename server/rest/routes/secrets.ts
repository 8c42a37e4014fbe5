/** /api/v1/realms/:realm/secrets (KV engine) */
import { z } from "zod";
import { SECRET_KEY } from "../../secrets/service";
import { MAX_INT32, OPAQUE_TEXT, route, ZPageQuery } from "../route";
import { ZRealmName } from "./realms";

const ZKey = z.string().regex(SECRET_KEY, "letters, digits, '_', '.' and '-', 1 to 128 characters").meta({ examples: ["DATABASE_URL"] });
const ZRealmParams = z.strictObject({ realm: ZRealmName });
const ZSecretParams = z.strictObject({ realm: ZRealmName, key: ZKey });

const SECRET_META_EXAMPLE = { key: "DATABASE_URL", version: 3, created_at: "2026-11-20T09:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" };
const ZSecretMeta = z
  .object({ key: z.string(), version: z.number().int().describe("The current version (1, 2, …)"), created_at: z.string(), updated_at: z.string() })
  .meta({ id: "SecretMetadata", description: "A secret without its value", examples: [SECRET_META_EXAMPLE] });
const ZSecret = ZSecretMeta.extend({ value: z.string() }).meta({
  id: "Secret",
  description: "A secret with its value (of the version asked for)",
  examples: [{ ...SECRET_META_EXAMPLE, value: "postgres://app:s3cr3t@db.internal:5432/app" }],
});
const ZSecretVersion = z
  .object({ version: z.number().int(), created_at: z.string(), created_by: z.string(), current: z.boolean() })
  .meta({ id: "SecretVersion", examples: [{ version: 3, created_at: "2026-11-22T10:00:00.000Z", created_by: "token:tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b", current: true }] });

export const secretRoutes = [
  route({
    method: "GET",
    path: "/api/v1/realms/:realm/secrets",
    operationId: "listSecrets",
    summary: "Keys and metadata, never values",
    tag: "secrets",
    capability: "secrets:read",
    params: ZRealmParams,
    query: ZPageQuery,
    response: z.object({ items: z.array(ZSecretMeta), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "SecretList" }),
    handle: ({ actor, params, query, services }) => services.secrets.list(actor, params.realm, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }),
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm/secrets/:key",
    operationId: "getSecret",
    summary: "A secret's value (current version, or ?version=N)",
    tag: "secrets",
    capability: "secrets:read",
    params: ZSecretParams,
    query: z.strictObject({ version: z.coerce.number().int().min(1).max(MAX_INT32).optional().describe("A past version; default: the current one") }),
    response: ZSecret,
    handle: ({ actor, params, query, services }) => services.secrets.get(actor, params.realm, params.key, query.version),
  }),
  route({
    method: "PUT",
    path: "/api/v1/realms/:realm/secrets/:key",
    operationId: "putSecret",
    summary: "Write a new version (cas: the version you expect to be current; 0 = must not exist)",
    tag: "secrets",
    capability: "secrets:write",
    params: ZSecretParams,
    body: z
      .strictObject({ value: z.string().meta(OPAQUE_TEXT), cas: z.number().int().min(0).max(MAX_INT32).optional().describe("Check-and-set: the version you expect to be current; 0 = the key must not exist") })
      .meta({ id: "PutSecretRequest", examples: [{ value: "postgres://app:s3cr3t@db.internal:5432/app", cas: 2 }] }),
    response: ZSecretMeta,
    handle: ({ actor, params, body, services }) => services.secrets.put(actor, params.realm, params.key, body.value, body.cas),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/realms/:realm/secrets/:key",
    operationId: "deleteSecret",
    summary: "Delete a secret and all its versions",
    tag: "secrets",
    capability: "secrets:delete",
    params: ZSecretParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.secrets.delete(actor, params.realm, params.key),
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm/secrets/:key/versions",
    operationId: "listSecretVersions",
    summary: "Version history, no values",
    tag: "secrets",
    capability: "secrets:read",
    params: ZSecretParams,
    response: z.object({ items: z.array(ZSecretVersion) }).meta({ id: "SecretVersionList" }),
    handle: async ({ actor, params, services }) => ({ items: await services.secrets.versions(actor, params.realm, params.key) }),
  }),
];
