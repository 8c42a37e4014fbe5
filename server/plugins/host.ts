/**
 * The host functions behind `ctx`, bound to one call: the plugin, the mount (with its
 * write-only values, which stay here) and the request. Each refuses bad arguments with a
 * short message the plugin sees; the original error stays on the host.
 */
import type { AuditWriter } from "../audit/writer";
import type { EngineMount } from "../engines/driver";
import type { Db } from "../store/client";
import type { ConnectionManager } from "./connections";
import { HostRefusal, sendPluginHttp, type HttpOptions } from "./http-host";
import { HostCallError, type HostCall } from "./sandbox";
import { ZHttpRequest, ZSqlParams } from "./schemas";
import { PluginStorageRows } from "./storage-store";

export interface HostDeps {
  db: Db;
  audit: Pick<AuditWriter, "append">;
  connections: ConnectionManager;
  http: HttpOptions;
}

const STORAGE_KEY = /^[A-Za-z0-9._:/-]{1,200}$/;
const AUDIT_ACTION = /^[a-z][a-z0-9_.]{0,63}$/;
const MAX_STORAGE_VALUE = 64 * 1024;
const MAX_AUDIT_DETAILS = 8 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The mount's `http.headers` (write-only): added by the host, never shown to the plugin. */
function mountHttp(mount: EngineMount): { baseUrl: string; headers: Record<string, string> } {
  const section = isRecord(mount.config.http) ? mount.config.http : {};
  const headers = isRecord(section.headers) ? Object.fromEntries(Object.entries(section.headers).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
  return { baseUrl: typeof section.base_url === "string" ? section.base_url : "", headers };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : "error";
}

export function hostCalls(deps: HostDeps, call: { plugin: string; mount: EngineMount; requestId: string }): HostCall {
  const { mount } = call;
  const storage = new PluginStorageRows(deps.db, mount.realm, mount.id);
  const refuse = (message: string, original: unknown = null) => new HostCallError(message, original);

  const handlers: Record<string, (args: unknown[]) => Promise<unknown>> = {
    async sql([text, params]) {
      if (typeof text !== "string" || text.length === 0 || text.length > 64 * 1024) throw refuse("ctx.sql: text must be a non-empty string");
      const parsed = ZSqlParams.safeParse(params);
      if (!parsed.success) throw refuse("ctx.sql: params must be an array of strings, numbers, booleans or null");
      try {
        return await deps.connections.query(mount.id, mount.config, text, parsed.data);
      } catch (err) {
        // The driver's message names the failing operation, never the root password.
        throw refuse(`ctx.sql failed (${errorCode(err)}): ${String((err as Error).message ?? "").slice(0, 300)}`, err);
      }
    },
    async http([request]) {
      const parsed = ZHttpRequest.safeParse(request);
      if (!parsed.success) throw refuse(`ctx.http: ${parsed.error.issues[0]!.path.join(".") || "request"} ${parsed.error.issues[0]!.message}`);
      const { baseUrl, headers } = mountHttp(mount);
      if (!baseUrl) throw refuse("ctx.http: the mount has no http.base_url");
      try {
        return await sendPluginHttp(baseUrl, headers, parsed.data, deps.http);
      } catch (err) {
        throw refuse(err instanceof HostRefusal ? `ctx.http: ${err.message}` : `ctx.http failed (${errorCode(err)})`, err);
      }
    },
    async "storage.get"([key]) {
      if (typeof key !== "string" || !STORAGE_KEY.test(key)) throw refuse("ctx.storage: invalid key");
      const value = await storage.get(key);
      return value === null ? null : (JSON.parse(value) as unknown);
    },
    async "storage.put"([key, value]) {
      if (typeof key !== "string" || !STORAGE_KEY.test(key)) throw refuse("ctx.storage: invalid key");
      const text = JSON.stringify(value ?? null);
      if (text.length > MAX_STORAGE_VALUE) throw refuse(`ctx.storage: values are at most ${MAX_STORAGE_VALUE} bytes`);
      await storage.put(key, text);
      return null;
    },
    async "storage.delete"([key]) {
      if (typeof key !== "string" || !STORAGE_KEY.test(key)) throw refuse("ctx.storage: invalid key");
      return storage.delete(key);
    },
    async audit([action, details]) {
      if (typeof action !== "string" || !AUDIT_ACTION.test(action)) throw refuse("ctx.audit: action must look like credential.issued");
      const extra = isRecord(details) ? details : {};
      if (JSON.stringify(extra).length > MAX_AUDIT_DETAILS) throw refuse(`ctx.audit: details are at most ${MAX_AUDIT_DETAILS} bytes`);
      await deps.audit.append({
        requestId: call.requestId,
        actor: `plugin:${call.plugin}`,
        action: `plugin.${call.plugin}.${action}`,
        outcome: "success",
        status: 200,
        realm: mount.realm.name,
        resource: `engine:${mount.name}`,
        details: { ...extra, plugin: call.plugin },
      });
      return null;
    },
  };

  return async (name, args) => {
    const handler = handlers[name];
    if (!handler) throw refuse(`unknown host function ${name}`);
    return handler(args);
  };
}
