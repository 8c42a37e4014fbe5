/** The KV secrets contract: key pattern, size limit, wire shapes and the operations table. */
import { z } from "zod";
import { MAX_INT32, OPAQUE_TEXT } from "../contract";
import type { Operation } from "../rbac/capabilities";
import { ZRealmName } from "../realms/schemas";

export const SECRET_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const MAX_SECRET_BYTES = 512 * 1024;

/** Keys are taken as given (no trimming): " DB_URL" is refused, not silently renamed. */
export const ZSecretKey = z
  .string()
  .regex(SECRET_KEY, "letters, digits, '_', '.' and '-', starting with a letter or digit, 1 to 128 characters")
  .meta({ examples: ["DATABASE_URL"] });
/** Any string; an empty value is a value (as in Vault and Infisical). The service enforces MAX_SECRET_BYTES. */
export const ZSecretValue = z.string().meta({ ...OPAQUE_TEXT, description: `At most ${MAX_SECRET_BYTES} bytes (UTF-8); may be empty` });
export const ZCas = z.number().int().min(0).max(MAX_INT32).describe("Check-and-set: the version you expect to be current; 0 = the key must not exist");

export const ZSecretListParams = z.strictObject({ realm: ZRealmName });
export const ZSecretParams = z.strictObject({ realm: ZRealmName, key: ZSecretKey });
export const ZSecretVersionQuery = z.strictObject({ version: z.coerce.number().int().min(1).max(MAX_INT32).optional().describe("A past version; default: the current one") });

export const ZPutSecret = z
  .strictObject({ value: ZSecretValue, cas: ZCas.optional() })
  .meta({ id: "PutSecretRequest", examples: [{ value: "postgres://app:s3cr3t@db.internal:5432/app", cas: 2 }] });

const SECRET_META_EXAMPLE = { key: "DATABASE_URL", version: 3, created_at: "2026-11-20T09:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" };
export const ZSecretMeta = z
  .object({ key: z.string(), version: z.number().int().describe("The current version (1, 2, …)"), created_at: z.string(), updated_at: z.string() })
  .meta({ id: "SecretMetadata", description: "A secret without its value", examples: [SECRET_META_EXAMPLE] });
export const ZSecret = ZSecretMeta.extend({ value: z.string() }).meta({
  id: "Secret",
  description: "A secret with its value (of the version asked for)",
  examples: [{ ...SECRET_META_EXAMPLE, value: "postgres://app:s3cr3t@db.internal:5432/app" }],
});
export const ZSecretList = z
  .object({ items: z.array(ZSecretMeta), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") })
  .meta({ id: "SecretList" });
export const ZSecretVersion = z
  .object({ version: z.number().int(), created_at: z.string(), created_by: z.string(), current: z.boolean() })
  .meta({ id: "SecretVersion", examples: [{ version: 3, created_at: "2026-11-22T10:00:00.000Z", created_by: "token:tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b", current: true }] });
export const ZSecretVersionList = z.object({ items: z.array(ZSecretVersion) }).meta({ id: "SecretVersionList" });

export type SecretMeta = z.output<typeof ZSecretMeta>;
export type SecretValue = z.output<typeof ZSecret>;
export type SecretVersionMeta = z.output<typeof ZSecretVersion>;

export const secretOps = {
  list: { capability: "secrets:read", action: "secret.list" },
  get: { capability: "secrets:read", action: "secret.read" },
  put: { capability: "secrets:write", action: "secret.write" },
  delete: { capability: "secrets:delete", action: "secret.delete" },
  versions: { capability: "secrets:read", action: "secret.versions" },
} as const satisfies Record<string, Operation>;
