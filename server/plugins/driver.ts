/**
 * A plugin's engine type as an EngineDriver: the engine registry, lease service and
 * reaper use it exactly like the built-in postgres driver. Each operation is one sandboxed
 * call of the plugin's export. Upgrades swap `current` only after the new version loaded
 * and passed health on the mounts this driver has served, so calls in flight finish on
 * the version they started with.
 */
import { randomBytes } from "node:crypto";
import type { CreateRequest, CreatedCredentials, EngineDriver, EngineHealth, EngineInternal, EngineMount, RenewRequest } from "../engines/driver";
import { AppError, errors, type FieldIssue } from "../errors";
import { newRequestId } from "../ids";
import { urlProblem } from "../webhooks/http-client";
import { sqlDialect } from "./connections";
import { hostCalls, type HostDeps } from "./host";
import { validateJsonSchema, writeOnlyPaths } from "./json-schema";
import type { LoadedPlugin } from "./loaded";
import { GuestFailure, HostCallError, UndeclaredHostCall } from "./sandbox";
import { ZCreateResult, ZHealthResult, ZRotateResult, type PluginLimit } from "./schemas";

/** What the plugin service learns from each call (crash accounting, the failed state). */
export interface PluginOutcomes {
  crashed(plugin: LoadedPlugin, crash: { limit: PluginLimit | "undeclared_host_function"; detail: string; realm: string }): void;
  succeeded(plugin: LoadedPlugin): void;
  isFailed(name: string): boolean;
}

/** 256 bits from the host's CSPRNG as hex: the sandbox has no random source fit for passwords. */
const hostRandom = () => randomBytes(32).toString("hex");

const BUILT_IN_WRITE_ONLY = ["password", "http.headers"];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function pathGet(obj: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), obj);
}

/** A deep copy of `config` without the given dotted paths. */
export function withoutPaths(config: Readonly<Record<string, unknown>>, paths: readonly string[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.split(".");
    const parent = keys.slice(0, -1).reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), copy);
    if (isRecord(parent)) delete parent[keys[keys.length - 1]!];
  }
  return copy;
}

function invalid(prefix: string, issues: FieldIssue[]): AppError {
  return errors.invalid(`${prefix}: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}.`, issues);
}

export class PluginEngineDriver implements EngineDriver {
  /** Mounts this driver has served, so an upgrade can check the new version on them. */
  private readonly mounts = new Map<string, EngineMount>();

  constructor(
    public current: LoadedPlugin,
    private readonly deps: { host: HostDeps; outcomes: PluginOutcomes },
  ) {}

  get type(): string {
    return this.current.manifest.engine_type;
  }

  get knownMounts(): EngineMount[] {
    return [...this.mounts.values()];
  }

  private writeOnly(plugin = this.current): string[] {
    return [...new Set([...BUILT_IN_WRITE_ONLY, ...writeOnlyPaths(plugin.manifest.config_schema)])];
  }

  validateConfig(config: unknown): { config: Record<string, unknown>; writeOnly: readonly string[] } {
    if (!isRecord(config)) throw errors.invalid("config must be an object", [{ field: "config", message: "must be an object" }]);
    const { manifest } = this.current;
    const issues = validateJsonSchema(manifest.config_schema, config).map((i) => ({ ...i, field: `config.${i.field}` }));
    if (manifest.host_functions.includes("sql")) {
      const url = config.connection_url;
      if (typeof url !== "string" || !sqlDialect(url)) issues.push({ field: "config.connection_url", message: "must be a postgres:// or mysql:// URL" });
    }
    if (manifest.host_functions.includes("http")) {
      const http = isRecord(config.http) ? config.http : {};
      const problem = typeof http.base_url === "string" ? urlProblem(http.base_url, this.deps.host.http.allowPrivateNetworks) : "is required";
      if (problem) issues.push({ field: "config.http.base_url", message: problem });
      if (http.headers !== undefined && !(isRecord(http.headers) && Object.values(http.headers).every((v) => typeof v === "string"))) {
        issues.push({ field: "config.http.headers", message: "must be an object of header names to strings" });
      }
    }
    if (issues.length > 0) throw invalid(`config for ${manifest.engine_type}`, issues);
    return { config, writeOnly: this.writeOnly().filter((path) => pathGet(config, path) !== undefined) };
  }

  validateRole(options: unknown): Record<string, unknown> {
    const value = options ?? {};
    if (!isRecord(value)) throw errors.invalid("options must be an object", [{ field: "options", message: "must be an object" }]);
    const schema = this.current.manifest.role_schema;
    const issues = schema ? validateJsonSchema(schema, value).map((i) => ({ ...i, field: `options.${i.field}` })) : [];
    if (issues.length > 0) throw invalid(`role options for ${this.type}`, issues);
    return value;
  }

  async verify(mount: EngineMount): Promise<void> {
    const health = await this.health(mount);
    if (!health.ok) throw errors.invalid(`The ${this.type} engine does not answer: ${health.detail ?? "health check failed"}.`, [{ field: "config", message: health.detail ?? "health check failed" }]);
  }

  async create(mount: EngineMount, request: CreateRequest): Promise<CreatedCredentials> {
    const plugin = this.current;
    if (this.deps.outcomes.isFailed(plugin.manifest.name)) {
      throw new AppError("bad_gateway", `Plugin ${plugin.manifest.name} is failed after repeated crashes; upgrade or reinstall it.`, { code: "plugin_failed" });
    }
    const argument = {
      role: { name: request.role.name, options: request.role.options },
      ttl_seconds: request.ttlSeconds,
      lease_id: request.leaseId,
      expires_at: request.expiresAt.toISOString(),
      random: hostRandom(),
    };
    const result = ZCreateResult.safeParse(await this.invoke(plugin, mount, "create", argument, request.leaseId));
    if (!result.success) throw this.crash(plugin, mount, new GuestFailure("invalid_result", "create did not return {credentials, internal?}"));
    return { credentials: result.data.credentials, internal: result.data.internal ?? {} };
  }

  async renew(mount: EngineMount, request: RenewRequest): Promise<void> {
    const plugin = this.current;
    if (!plugin.exports.has("renew")) return;
    await this.invoke(plugin, mount, "renew", { internal: request.internal, ttl_seconds: request.ttlSeconds, expires_at: request.expiresAt.toISOString() });
  }

  async revoke(mount: EngineMount, internal: EngineInternal): Promise<void> {
    const plugin = this.current;
    const credentialsId = typeof internal.credentials_id === "string" ? internal.credentials_id : undefined;
    await this.invoke(plugin, mount, "revoke", { internal, ...(credentialsId ? { credentials_id: credentialsId } : {}) });
  }

  async rotateRoot(mount: EngineMount): Promise<Record<string, unknown>> {
    const plugin = this.current;
    if (!plugin.exports.has("rotateRoot")) throw errors.invalid(`The ${this.type} plugin does not support rotate-root.`, undefined, "rotate_root_unsupported");
    const result = ZRotateResult.safeParse(await this.invoke(plugin, mount, "rotateRoot", { random: hostRandom() }));
    if (!result.success) throw this.crash(plugin, mount, new GuestFailure("invalid_result", "rotateRoot did not return {config}"));
    return { ...mount.config, ...(result.data?.config ?? {}) };
  }

  async health(mount: EngineMount, plugin = this.current): Promise<EngineHealth> {
    if (!plugin.exports.has("health")) return { ok: true, detail: null };
    try {
      const result = ZHealthResult.safeParse(await this.invoke(plugin, mount, "health", {}));
      if (!result.success) return { ok: false, detail: "health did not return {ok, detail}" };
      return result.data ? { ok: result.data.ok, detail: result.data.detail ?? null } : { ok: true, detail: null };
    } catch (err) {
      return { ok: false, detail: err instanceof AppError ? err.message : "health check failed" };
    }
  }

  async close(mountId: string): Promise<void> {
    this.mounts.delete(mountId);
    await this.deps.host.connections.close(mountId);
  }

  /** One sandboxed call; every failure becomes the contract's 501/502. */
  async invoke(plugin: LoadedPlugin, mount: EngineMount, exportName: string, argument: unknown, requestId = newRequestId()): Promise<unknown> {
    this.mounts.set(mount.id, mount);
    const name = plugin.manifest.name;
    try {
      const value = await plugin.sandbox.call({
        source: plugin.source,
        filename: plugin.manifest.entry,
        exportName,
        argument,
        declared: new Set(plugin.manifest.host_functions),
        config: withoutPaths(mount.config, this.writeOnly(plugin)),
        host: hostCalls(this.deps.host, { plugin: name, mount, requestId }),
        limits: plugin.limits,
      });
      this.deps.outcomes.succeeded(plugin);
      return value;
    } catch (err) {
      if (err instanceof UndeclaredHostCall) {
        this.deps.outcomes.crashed(plugin, { limit: "undeclared_host_function", detail: err.message, realm: mount.realm.name });
        return Promise.reject(
          new AppError("not_implemented", `Plugin ${name} called ctx.${err.hostFunction}, which its manifest does not declare.`, { code: "host_function_not_declared", cause: err }),
        );
      }
      if (err instanceof HostCallError) {
        // The host function's own message can carry database text: the caller gets only its name.
        const hostFunction = /^ctx\.[a-z]+/.exec(err.message)?.[0] ?? "a host function";
        return Promise.reject(new AppError("bad_gateway", `Plugin ${name} failed (limit: host_function): ${hostFunction} failed.`, { code: "plugin_failed", cause: err.original ?? err }));
      }
      if (err instanceof GuestFailure) return Promise.reject(this.crash(plugin, mount, err));
      // A trap inside the Wasm module (it aborted): this plugin gets a fresh module instance.
      plugin.sandbox = await plugin.sandbox.replace();
      return Promise.reject(this.crash(plugin, mount, new GuestFailure("exception", "the sandbox stopped")));
    }
  }

  private crash(plugin: LoadedPlugin, mount: EngineMount, failure: GuestFailure): AppError {
    this.deps.outcomes.crashed(plugin, { limit: failure.limit, detail: failure.message, realm: mount.realm.name });
    return new AppError("bad_gateway", `Plugin ${plugin.manifest.name} failed (limit: ${failure.limit}): ${failure.message}.`, { code: "plugin_failed", cause: failure });
  }
}
