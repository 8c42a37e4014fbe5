/**
 * Configuration: `arcan.toml` (or the file named by ARCAN_CONFIG) overlaid by ARCAN_*
 * environment variables, validated at start. A bad value stops the server with a
 * message that names the key and its environment variable.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { parseTtl } from "../tokens/ttl";

const bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Seconds, or a TTL such as "15m", "1h", "7d". */
const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const seconds = parseTtl(v);
  if (seconds === null) ctx.addIssue({ code: "custom", message: 'must be a duration such as "15m", "1h" or a number of seconds' });
  return seconds ?? 0;
});
/** An STS token lifetime: 10 s to a day. */
const tokenLifetime = duration.pipe(z.number().int().min(10, "must be at least 10 seconds").max(86_400, "must be at most a day (86400)"));

/** Base64 Ed25519 public keys: a TOML array, or a comma-separated environment variable. */
const keyList = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))])
  .pipe(z.array(z.string().refine((k) => Buffer.from(k, "base64").length === 32, { message: "each key is base64 of a raw 32-byte Ed25519 public key" })).max(64))
  .default([]);

/** Each section's keys. Top-level keys live under "". */
const sections = {
  "": z.strictObject({
    port: int(0, 65535).default(8443),
    host: z.string().min(1).default("0.0.0.0"),
    data_dir: z.string().min(1).default("./data"),
    database_url: z
      .string()
      .default("")
      .refine((v) => v === "" || /^(postgres|postgresql):\/\//.test(v) || v.startsWith("file:"), {
        message: "must be empty (embedded SQLite), a postgres:// URL or a file: path",
      }),
    redis_url: z
      .string()
      .default("")
      .refine((v) => v === "" || /^rediss?:\/\//.test(v), { message: "must be a redis:// URL" }),
  }),
  redis: z.strictObject({
    /** Namespaces the bus channel and rate-limit keys, so several Arcan clusters can share one Redis. */
    key_prefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, { message: "must be 1-64 letters, digits or : _ . -" }).default("arcan"),
  }),
  kms: z.strictObject({
    provider: z.enum(["local", "pkcs11"]).default("local"),
    /** The key-encryption key file; empty: <data_dir>/kek.key. Several processes may share one (a mounted secret). */
    key_file: z.string().default(""),
    /** provider = "pkcs11": the PKCS#11 module, the token, its user PIN (ARCAN_KMS_PIN) and the AES key's label. */
    pkcs11_module: z.string().default("/usr/lib/softhsm/libsofthsm2.so"),
    token_label: z.string().default(""),
    pin: z.string().default(""),
    key_label: z.string().min(1).default("arcan-kek"),
    /** Re-wrap every realm key at start from this previous provider ("local" or "pkcs11") to `provider`. */
    rewrap_from: z.enum(["", "local", "pkcs11"]).default(""),
    /** rewrap_from = "local": the previous key file; empty: <data_dir>/kek.key. */
    rewrap_from_key_file: z.string().default(""),
  })
  .refine((k) => !(k.rewrap_from === "pkcs11" && k.provider === "pkcs11"), { message: "rewrap_from = \"pkcs11\" needs provider = \"local\" (one HSM key cannot be moved onto itself)", path: ["rewrap_from"] })
  .refine((k) => !(k.rewrap_from === "local" && k.provider === "local" && (k.rewrap_from_key_file || "kek.key") === (k.key_file || "kek.key")), { message: "rewrap_from = \"local\" with provider = \"local\" needs a rewrap_from_key_file other than key_file", path: ["rewrap_from_key_file"] }),
  tls: z.strictObject({
    cert_file: z.string().default(""),
    key_file: z.string().default(""),
  }),
  auth: z.strictObject({
    cache_ttl: int(0, 86_400).default(30),
    max_cache_size: int(1, 10_000_000).default(1000),
    bootstrap_token: z
      .string()
      .default("")
      .refine((v) => v === "" || v.length >= 32, { message: "must be at least 32 characters" }),
    force_bootstrap: bool.default(false),
    query_param_token: bool.default(false),
  }),
  rate_limit: z.strictObject({
    per_token: int(1, 10_000_000).default(100),
    per_ip: int(1, 10_000_000).default(10),
  }),
  audit: z.strictObject({
    syslog_address: z
      .string()
      .default("")
      .refine((v) => v === "" || /^(udp|tcp):\/\/[^:/]+:\d+$/.test(v), { message: "must look like udp://host:514 or tcp://host:601" }),
  }),
  webhooks: z.strictObject({
    retry_schedule: z
      .union([z.array(z.coerce.number().min(0)), z.string().transform((s) => s.split(",").map((x) => Number(x.trim())))])
      .pipe(z.array(z.number().min(0).max(86_400)).max(10))
      .default([1, 5, 30]),
    allow_private_networks: bool.default(false),
  }),
  console: z.strictObject({
    enabled: bool.default(true),
    dev: bool.default(false),
  }),
  leases: z.strictObject({
    max_per_realm: int(1, 10_000_000).default(10_000),
    /** Seconds before expiry when lease.expiring is sent (a fifth of the TTL when that is shorter). */
    expiring_notice: int(1, 86_400).default(300),
  }),
  log: z.strictObject({
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  }),
  plugins: z.strictObject({
    trusted_keys: keyList,
    registry_keys: keyList,
    registry_url: z
      .string()
      .default("")
      .refine((v) => v === "" || /^(https|file):\/\//.test(v), { message: "must be an https:// or file:// URL" }),
    registry_ca_file: z.string().default(""),
    allow_private_networks: bool.default(false),
    memory_mb: int(1, 1024).default(32),
    timeout_ms: int(1, 60_000).default(2000),
    host_calls: int(1, 10_000).default(100),
    crash_threshold: int(1, 1000).default(5),
    sql_timeout_ms: int(100, 300_000).default(5000),
    http_timeout_ms: int(100, 300_000).default(10_000),
    http_max_body_bytes: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  }),
  sts: z.strictObject({
    /** Empty: the server's own https://host:port. */
    issuer: z.string().default("").refine((v) => v === "" || /^https?:\/\/\S+$/.test(v), { message: "must be empty or an https:// URL" }),
    audience: z.string().min(1).max(200).default("arcan"),
    ttl: tokenLifetime.default(900),
    max_ttl: tokenLifetime.default(3600),
    /** Lets trusted issuers' jwks_url point to loopback and private addresses (tests, internal IdPs). */
    allow_private_networks: bool.default(false),
  }),
  gateway: z.strictObject({
    /** Lets gateway routes point to loopback and private addresses (internal upstreams, tests). */
    allow_private_networks: bool.default(false),
  }),
  reviews: z.strictObject({
    expire_after: duration.default(3600),
    approval_ttl: duration.default(900),
  }),
};

type Sections = typeof sections;
type SectionName = keyof Sections;

export type ArcanConfig = { [K in SectionName as K extends "" ? never : K]: z.output<Sections[K]> } & z.output<Sections[""]> & {
  configFile: string | null;
};

export class ConfigError extends Error {}

/** Environment variable for a key: `port` → ARCAN_PORT, `[auth] cache_ttl` → ARCAN_AUTH_CACHE_TTL. */
export function envName(section: string, key: string): string {
  return ["ARCAN", section, key].filter(Boolean).join("_").toUpperCase();
}

/** The contract's names for the bootstrap settings, kept as aliases. */
const ENV_ALIASES: Record<string, string> = {
  ARCAN_BOOTSTRAP_TOKEN: "ARCAN_AUTH_BOOTSTRAP_TOKEN",
  ARCAN_FORCE_BOOTSTRAP: "ARCAN_AUTH_FORCE_BOOTSTRAP",
};

function aliasOf(name: string): string | undefined {
  return Object.entries(ENV_ALIASES).find(([, target]) => target === name)?.[0];
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): ArcanConfig {
  const explicit = env.ARCAN_CONFIG;
  const file = explicit ? path.resolve(cwd, explicit) : path.join(cwd, "arcan.toml");
  let fromFile: Record<string, unknown> = {};
  if (explicit && !existsSync(file)) throw new ConfigError(`config: ARCAN_CONFIG names ${file}, which does not exist`);
  if (existsSync(file)) {
    try {
      fromFile = parseToml(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config: ${file} is not valid TOML: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  // Every problem is collected, so one start reports all of them.
  const problems: string[] = [];
  for (const name of Object.keys(fromFile)) {
    const isSection = name in sections && name !== "";
    if (!isSection && !(name in sections[""].shape)) problems.push(`unknown key "${name}" in ${file}`);
    const value = fromFile[name];
    if (isSection && (typeof value !== "object" || value === null || Array.isArray(value))) problems.push(`"${name}" in ${file} must be a [${name}] section`);
  }

  const merged: Record<string, unknown> = {};
  for (const [section, schema] of Object.entries(sections) as [SectionName, z.ZodObject][]) {
    const raw: Record<string, unknown> = {};
    const given = section === "" ? fromFile : fromFile[section];
    const fileSection = typeof given === "object" && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(fileSection)) {
      if (section === "" && key in sections) continue;
      if (!(key in schema.shape)) {
        if (section !== "") problems.push(`unknown key "${key}" in [${section}] of ${file}`);
        continue;
      }
      raw[key] = value;
    }
    for (const key of Object.keys(schema.shape)) {
      const value = env[envName(section, key)] ?? env[aliasOf(envName(section, key)) ?? ""];
      if (value !== undefined && value !== "") raw[key] = value;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? "");
        const where = section ? `[${section}] ${key}` : key;
        const name = envName(section, key);
        const alias = aliasOf(name);
        problems.push(`${where} (${alias ? `${alias} or ${name}` : name}): ${issue.message}`);
      }
      continue;
    }
    if (section === "") Object.assign(merged, parsed.data);
    else merged[section] = parsed.data;
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `config: ${p}`).join("\n"));
  merged.data_dir = path.resolve(cwd, merged.data_dir as string);
  merged.configFile = existsSync(file) ? file : null;
  return merged as ArcanConfig;
}
