/**
 * The plugin contract (api-v1.md "Plugins (contract detail)"): the package manifest, the
 * DSSE envelope, the registry index, what a plugin's exports return, the REST/tRPC
 * shapes, and the operations table (capability and audit action of each operation).
 */
import { z } from "zod";

export const MANIFEST_PAYLOAD_TYPE = "application/vnd.arcan.plugin-manifest.v1+json";
export const INDEX_PAYLOAD_TYPE = "application/vnd.arcan.plugin-index.v1+json";

export const HOST_FUNCTIONS = ["sql", "http", "storage", "audit", "config"] as const;
export type HostFunctionName = (typeof HOST_FUNCTIONS)[number];

export const PLUGIN_STATES = ["active", "failed", "disabled"] as const;
export type PluginState = (typeof PLUGIN_STATES)[number];

/** The limit a failed call broke; named in the 502 detail and the crash record. */
export const PLUGIN_LIMITS = ["time", "memory", "stack", "host_calls", "exception", "invalid_result", "never_settled", "host_function"] as const;
export type PluginLimit = (typeof PLUGIN_LIMITS)[number];

export const PLUGIN_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const FILE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export const ZPluginName = z.string().regex(PLUGIN_NAME, "lowercase letters, digits and '-', starting with a letter");
export const ZVersion = z.string().regex(SEMVER, "a semantic version such as 1.2.0");

export const ZManifest = z.strictObject({
  schema: z.literal(1),
  name: ZPluginName,
  version: ZVersion,
  engine_type: ZPluginName,
  arcan: z.string().min(1).max(64),
  entry: z.string().regex(FILE_NAME),
  description: z.string().max(500).optional(),
  files: z
    .record(z.string().regex(FILE_NAME), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0).max(4 * 1024 * 1024) }))
    .refine((files) => Object.keys(files).length > 0, "a package has at least one file"),
  host_functions: z.array(z.enum(HOST_FUNCTIONS)).max(HOST_FUNCTIONS.length),
  limits: z
    .strictObject({
      memory_mb: z.number().int().min(1).max(1024).optional(),
      timeout_ms: z.number().int().min(1).max(60_000).optional(),
      host_calls: z.number().int().min(1).max(10_000).optional(),
    })
    .default({}),
  config_schema: z.record(z.string(), z.unknown()).default({ type: "object" }),
  role_schema: z.record(z.string(), z.unknown()).optional(),
});
export type Manifest = z.output<typeof ZManifest>;

export const ZEnvelope = z.object({
  payloadType: z.string(),
  payload: z.string().describe("base64 of the manifest's bytes"),
  signatures: z.array(z.object({ keyid: z.string().max(200).optional(), sig: z.string() })).max(16).optional(),
});
export type Envelope = z.output<typeof ZEnvelope>;

export const ZRegistryIndex = z.object({
  version: z.number().int().min(0),
  expires: z.iso.datetime({ offset: true }),
  plugins: z.record(z.string(), z.record(z.string(), z.object({ envelope: z.string().min(1).max(500) }))),
});
export type RegistryIndex = z.output<typeof ZRegistryIndex>;

/** What a plugin's exports resolve to; anything else is `invalid_result`. */
export const ZCreateResult = z.object({
  credentials: z.record(z.string(), z.string()).refine((c) => Object.keys(c).length > 0, "credentials are empty"),
  internal: z.record(z.string(), z.unknown()).optional(),
});
export const ZHealthResult = z.union([z.undefined(), z.null(), z.object({ ok: z.boolean(), detail: z.string().nullable().optional() })]);
export const ZRotateResult = z.union([z.undefined(), z.null(), z.object({ config: z.record(z.string(), z.unknown()) })]);

// ctx.http and ctx.sql arguments as the plugin passes them.
export const ZHttpRequest = z.object({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]),
  path: z.string().min(1).max(2048),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().max(1024 * 1024).optional(),
});
export const ZSqlParams = z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).max(1000).default([]);

/* Wire shapes (REST and console). */
export const ZPlugin = z
  .object({
    name: z.string(),
    version: z.string(),
    engine_type: z.string(),
    state: z.enum(PLUGIN_STATES),
    host_functions: z.array(z.string()),
    signer_key_id: z.string().describe("ed25519:<first 16 hex digits of sha256(public key)>"),
    installed_at: z.string(),
    updated_at: z.string(),
    crash_count: z.number().int().describe("Failed calls since the plugin last worked"),
    config_schema: z.record(z.string(), z.unknown()),
    role_schema: z.record(z.string(), z.unknown()).describe("JSON Schema of the fields a role of this engine type takes, next to name and TTLs; {} when it takes none"),
  })
  .meta({
    id: "Plugin",
    examples: [
      {
        name: "mariadb",
        version: "1.2.0",
        engine_type: "mariadb",
        state: "active",
        host_functions: ["sql", "audit"],
        signer_key_id: "ed25519:3f9a0c1d2e4b5a69",
        installed_at: "2026-11-22T10:00:00.000Z",
        updated_at: "2026-11-22T10:00:00.000Z",
        crash_count: 0,
        config_schema: { type: "object" },
        role_schema: { type: "object", properties: { grants: { type: "array", items: { type: "string" } } } },
      },
    ],
  });
export type PluginView = z.output<typeof ZPlugin>;

export const ZPluginCrash = z
  .object({ id: z.string(), plugin: z.string(), version: z.string(), limit: z.string(), detail: z.string(), realm: z.string().nullable(), at: z.string() })
  .meta({ id: "PluginCrash" });
export type PluginCrashView = z.output<typeof ZPluginCrash>;

export const ZInstallFromRegistry = z.strictObject({ name: ZPluginName, version: ZVersion });
export const ZInstallUpload = z.strictObject({
  envelope: ZEnvelope,
  files: z.record(z.string().regex(FILE_NAME), z.string().max(6 * 1024 * 1024).describe("base64 of the file")),
});
export const ZInstallRequest = z
  .union([ZInstallFromRegistry, ZInstallUpload])
  .meta({ id: "InstallPluginRequest", description: "From the registry ({name, version}) or a package uploaded directly ({envelope, files})", examples: [{ name: "mariadb", version: "1.2.0" }] });
export type InstallRequest = z.output<typeof ZInstallRequest>;
export const ZUpgradeRequest = z.strictObject({ version: ZVersion }).meta({ id: "UpgradePluginRequest" });
export const ZPluginParams = z.strictObject({ name: ZPluginName });

export const pluginOps = {
  list: { capability: "plugins:read", action: "plugin.list" },
  crashes: { capability: "plugins:read", action: "plugin.crashes" },
  install: { capability: "plugins:manage", action: "plugin.install" },
  upgrade: { capability: "plugins:manage", action: "plugin.upgrade" },
  remove: { capability: "plugins:manage", action: "plugin.remove" },
} as const;
