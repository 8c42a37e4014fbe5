/**
 * What this process does with another process's invalidations: each kind names the
 * in-memory state it drops. After a bus outage everything is dropped, and while the bus is
 * down the principal cache is bypassed (a revocation elsewhere could go unheard).
 */
import type { Logger } from "pino";
import type { PrincipalCache } from "../access/principal-cache";
import type { RealmDirectory } from "../access/realm-directory";
import type { AgentService } from "../agents/service";
import type { PluginRuntime } from "../plugins/runtime";
import type { PolicyDirectory } from "../policies/directory";
import type { RevocationList } from "../sts/revocations";
import type { BusHandlers, Invalidation } from "./bus";

export interface InvalidationTargets {
  principals: Pick<PrincipalCache, "dropToken" | "clear" | "suspend">;
  realms: Pick<RealmDirectory, "invalidate" | "clear">;
  agents: Pick<AgentService, "forget">;
  stsRevocations: Pick<RevocationList, "remember" | "reload">;
  policies: Pick<PolicyDirectory, "forget">;
  plugins: Pick<PluginRuntime, "sync" | "syncAll">;
  logger: Pick<Logger, "warn">;
  /** Counts what was applied (metrics). */
  onApplied?: (kind: Invalidation["kind"] | "all") => void;
}

export function invalidationHandlers(t: InvalidationTargets): BusHandlers {
  const pluginFailed = (err: unknown) => t.logger.warn({ err: (err as Error).message }, "invalidation bus: plugin sync failed");
  return {
    apply(event) {
      switch (event.kind) {
        case "token":
          t.principals.dropToken(event.id);
          break;
        case "principals":
          t.principals.clear();
          break;
        case "agent":
          t.agents.forget(event.id);
          break;
        case "sts_jti":
          t.stsRevocations.remember(event.jti, event.expires_at);
          break;
        case "realm":
          t.realms.invalidate(event.name);
          break;
        case "policy":
          t.policies.forget();
          break;
        case "plugin":
          t.plugins.sync(event.name).catch(pluginFailed);
          break;
      }
      t.onApplied?.(event.kind);
    },
    dropAll() {
      t.principals.clear();
      t.realms.clear();
      t.agents.forget();
      t.stsRevocations.reload();
      t.policies.forget();
      t.plugins.syncAll().catch(pluginFailed);
      t.onApplied?.("all");
    },
    suspend(suspended) {
      t.principals.suspend(suspended);
    },
  };
}
