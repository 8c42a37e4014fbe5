/**
 * The engines contract: mounts and their roles. REST routes, tRPC procedures, the engine
 * service's types and the console forms all take their rules from here.
 */
import { z } from "zod";
import { REALM_NAME } from "../realms/names";
import { BUILTIN_KV, ENGINE_NAME } from "./names";
import { parseTtl } from "../tokens/ttl";

export const engineOps = {
  list: { capability: "engines:read", action: "engine.list" },
  get: { capability: "engines:read", action: "engine.read" },
  mount: { capability: "engines:manage", action: "engine.mount" },
  update: { capability: "engines:manage", action: "engine.update" },
  delete: { capability: "engines:manage", action: "engine.delete" },
  rotateRoot: { capability: "engines:manage", action: "engine.rotate_root" },
  listRoles: { capability: "engines:read", action: "engine.role.list" },
  getRole: { capability: "engines:read", action: "engine.role.read" },
  createRole: { capability: "engines:manage", action: "engine.role.create" },
  updateRole: { capability: "engines:manage", action: "engine.role.update" },
  deleteRole: { capability: "engines:manage", action: "engine.role.delete" },
} as const;

export { BUILTIN_KV, ENGINE_NAME };
export const DEFAULT_ROLE_TTL = 3600;
export const DEFAULT_ROLE_MAX_TTL = 86_400;

export const ZRealmName = z.string().regex(REALM_NAME, "a lowercase slug: a-z, 0-9 and '-', 1 to 63 characters").meta({ examples: ["myapp"] });
export const ZEngineName = z
  .string()
  .regex(ENGINE_NAME, "lowercase letters, digits, '_' and '-', 1 to 63 characters")
  .refine((n) => n !== BUILTIN_KV, `"${BUILTIN_KV}" is the built-in secrets engine`)
  .meta({ examples: ["pg"] });
export const ZRoleName = z.string().regex(ENGINE_NAME, "lowercase letters, digits, '_' and '-', 1 to 63 characters").meta({ examples: ["readonly"] });

/** "1h", "30m", "7d" or a number of seconds; parsed to seconds. */
export const ZTtl = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const seconds = parseTtl(v);
    if (seconds === null) {
      ctx.addIssue({ code: "custom", message: 'a duration such as "30m", "1h", "7d" or a number of seconds' });
      return z.NEVER;
    }
    return seconds;
  })
  .meta({ examples: ["1h"] });

export const ZEngineParams = z.strictObject({ realm: ZRealmName, name: ZEngineName });
export const ZRealmParams = z.strictObject({ realm: ZRealmName });
export const ZRoleParams = z.strictObject({ realm: ZRealmName, name: ZEngineName, role: ZRoleName });
export const ZForceQuery = z.strictObject({
  force: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .describe("true: revoke the mount's active leases first"),
});

const ZConfig = z.record(z.string(), z.unknown());

export const ZMountInput = z
  .strictObject({ name: ZEngineName, type: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "an engine type name: a lowercase letter, then letters, digits, _ or -"), config: ZConfig })
  .meta({
    id: "MountEngineRequest",
    examples: [
      {
        name: "pg",
        type: "postgres",
        config: { connection_url: "postgresql://{{username}}:{{password}}@127.0.0.1:5432/app", username: "arcan_root", password: "…", max_open_connections: 4 },
      },
    ],
  });
export type MountInput = z.output<typeof ZMountInput>;

export const ZMountPatch = z.strictObject({ config: ZConfig.describe("Fields to change; write-only fields are replaced when given") }).meta({ id: "UpdateEngineRequest" });
export type MountPatch = z.output<typeof ZMountPatch>;

export const ZHealth = z.object({ ok: z.boolean(), detail: z.string().nullable() }).meta({ id: "EngineHealth" });

export const ZEngine = z
  .object({
    name: z.string(),
    type: z.string(),
    config: ZConfig.describe("Never contains write-only fields (password)"),
    created_at: z.string(),
    updated_at: z.string(),
    health: ZHealth,
  })
  .meta({ id: "Engine" });
export type EngineView = z.output<typeof ZEngine>;
export const ZEngineList = z.object({ items: z.array(ZEngine) }).meta({ id: "EngineList" });

/**
 * A role: name and TTLs, plus the engine type's own fields (postgres:
 * creation_statements, revocation_statements, renew_statements; plugins: options).
 */
export const ZRoleInput = z
  .looseObject({ name: ZRoleName, default_ttl: ZTtl.optional(), max_ttl: ZTtl.optional() })
  .meta({
    id: "EngineRoleRequest",
    examples: [
      {
        name: "readonly",
        creation_statements: [
          `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`,
          `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}"`,
        ],
        revocation_statements: [],
        default_ttl: "1h",
        max_ttl: "24h",
      },
    ],
  });
export type RoleInput = z.output<typeof ZRoleInput>;
export const ZRolePatch = z.looseObject({ default_ttl: ZTtl.optional(), max_ttl: ZTtl.optional() }).meta({ id: "UpdateEngineRoleRequest" });
export type RolePatch = z.output<typeof ZRolePatch>;

export const ZRole = z
  .looseObject({
    name: z.string(),
    default_ttl: z.number().int().describe("Seconds"),
    max_ttl: z.number().int().describe("Seconds, counted from a lease's issue time"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "EngineRole" });
export type RoleView = z.output<typeof ZRole>;
export const ZRoleList = z.object({ items: z.array(ZRole) }).meta({ id: "EngineRoleList" });
