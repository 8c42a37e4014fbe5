/** Builds the plugin runtime, registry client and service from config (for the service container). */
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { AuditWriter } from "../audit/writer";
import type { ArcanConfig } from "../config/config";
import type { EngineTypes } from "../engines/driver";
import type { Outbox } from "../events/outbox";
import type { AccessGuard } from "../access/guard";
import type { Db } from "../store/client";
import type { InvalidationPublisher } from "../cluster/bus";
import { countMountsOfType } from "../engines/store";
import { ConnectionManager } from "./connections";
import { trustedKey } from "./dsse";
import { RegistryClient } from "./registry";
import { PluginRuntime } from "./runtime";
import { PluginService } from "./service";

export function createPlugins(deps: { db: Db; config: ArcanConfig["plugins"]; access: AccessGuard; audit: AuditWriter; outbox: Outbox; engineTypes: EngineTypes; logger: Logger; bus: InvalidationPublisher }) {
  const { config } = deps;
  const ca = config.registry_ca_file ? readFileSync(config.registry_ca_file) : undefined;
  const connections = new ConnectionManager(config.sql_timeout_ms);
  const runtime = new PluginRuntime({
    db: deps.db,
    outbox: deps.outbox,
    engineTypes: deps.engineTypes,
    config,
    logger: deps.logger,
    host: {
      db: deps.db,
      audit: deps.audit,
      connections,
      http: { allowPrivateNetworks: config.allow_private_networks, timeoutMs: config.http_timeout_ms, maxBodyBytes: config.http_max_body_bytes, ...(ca ? { ca } : {}) },
    },
  });
  const registry = config.registry_url ? new RegistryClient(deps.db, { url: config.registry_url, keys: config.registry_keys.map(trustedKey), ...(ca ? { ca } : {}) }) : null;
  const service = new PluginService({
    db: deps.db,
    access: deps.access,
    audit: deps.audit,
    outbox: deps.outbox,
    engineTypes: deps.engineTypes,
    runtime,
    registry,
    // Mounts in every realm (the store), not only those this process has served.
    // Stored mounts in every realm, or the mounts this process serves if it knows of more (a driver used directly).
    bus: deps.bus,
    mountsOfType: async (engineType) => Math.max(await countMountsOfType(deps.db, engineType), runtime.driverOfType(engineType)?.knownMounts.length ?? 0),
  });
  return { runtime, service, connections };
}
