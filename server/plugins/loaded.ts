/**
 * A plugin ready to run: its package verified (signature, hashes, sizes — at every load),
 * its own Wasm module instance, and its exports checked. Cold load is this whole step.
 */
import type { ArcanConfig } from "../config/config";
import { AppError } from "../errors";
import type { TrustedKey } from "./dsse";
import { verifyPackage } from "./package";
import { GuestFailure, PluginSandbox, type SandboxLimits } from "./sandbox";
import type { Envelope, Manifest } from "./schemas";

export type PluginCaps = Pick<ArcanConfig["plugins"], "memory_mb" | "timeout_ms" | "host_calls">;

export interface LoadedPlugin {
  manifest: Manifest;
  signerKeyId: string;
  source: string;
  exports: ReadonlySet<string>;
  limits: SandboxLimits;
  sandbox: PluginSandbox;
}

const REQUIRED_EXPORTS = ["create", "revoke"];

/** The manifest's limits, never above the operator's `[plugins]` caps. */
export function effectiveLimits(manifest: Manifest, caps: PluginCaps): SandboxLimits {
  return {
    memoryBytes: Math.min(manifest.limits.memory_mb ?? caps.memory_mb, caps.memory_mb) * 1024 * 1024,
    timeoutMs: Math.min(manifest.limits.timeout_ms ?? caps.timeout_ms, caps.timeout_ms),
    hostCalls: Math.min(manifest.limits.host_calls ?? caps.host_calls, caps.host_calls),
  };
}

export async function loadPlugin(envelope: Envelope, files: Record<string, Buffer>, keys: readonly TrustedKey[], caps: PluginCaps): Promise<LoadedPlugin> {
  const verified = verifyPackage(envelope, files, keys);
  const { manifest } = verified;
  const source = verified.files[manifest.entry]!.toString("utf8");
  const limits = effectiveLimits(manifest, caps);
  const sandbox = await PluginSandbox.create();
  let names: unknown;
  try {
    // A fresh Wasm instance runs its first code slowly: loading gets the operator's time cap.
    const loadLimits = { ...limits, timeoutMs: Math.max(limits.timeoutMs, caps.timeout_ms) };
    names = await sandbox.call({ source, filename: manifest.entry, exportName: "", argument: null, declared: new Set(), config: {}, host: () => Promise.reject(new Error("no host calls while loading")), limits: loadLimits });
  } catch (err) {
    const why = err instanceof GuestFailure ? err.message : "the module does not evaluate";
    throw new AppError("invalid_input", `Plugin ${manifest.name} ${manifest.version} does not load: ${why}.`, { code: "plugin_invalid", cause: err });
  }
  const exports = new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : []);
  const missing = REQUIRED_EXPORTS.filter((name) => !exports.has(name));
  if (missing.length > 0) throw new AppError("invalid_input", `Plugin ${manifest.name} does not export ${missing.join(" and ")}.`, { code: "plugin_invalid" });
  return { manifest, signerKeyId: verified.signerKeyId, source, exports, limits, sandbox };
}
