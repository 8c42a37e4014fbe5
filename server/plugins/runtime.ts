/**
 * The running plugins: loads every installed one at start (package verified again),
 * registers each engine type into EngineTypes, and keeps the crash accounting: every
 * failed call is recorded and emits plugin.crashed; `crash_threshold` failures in a row
 * mark the plugin failed.
 */
import type { Logger } from "pino";
import type { ArcanConfig } from "../config/config";
import type { EngineTypes } from "../engines/driver";
import type { Outbox } from "../events/outbox";
import { newId, newRequestId } from "../ids";
import type { Db } from "../store/client";
import { PluginEngineDriver, type PluginOutcomes } from "./driver";
import { trustedKey, type TrustedKey } from "./dsse";
import type { HostDeps } from "./host";
import { loadPlugin, type LoadedPlugin } from "./loaded";
import type { PluginState } from "./schemas";
import type { Envelope } from "./schemas";

export interface StoredPackage {
  envelope: string;
  files: string;
}

export function decodeStored(row: StoredPackage): { envelope: Envelope; files: Record<string, Buffer> } {
  const files = JSON.parse(row.files) as Record<string, string>;
  return { envelope: JSON.parse(row.envelope) as Envelope, files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v, "base64")])) };
}

export function encodeFiles(files: Record<string, Buffer>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.toString("base64")])));
}

export class PluginRuntime implements PluginOutcomes {
  readonly trustedKeys: TrustedKey[];
  private readonly drivers = new Map<string, PluginEngineDriver>();
  private readonly crashCounts = new Map<string, number>();
  private readonly states = new Map<string, PluginState>();

  constructor(
    private readonly deps: {
      db: Db;
      outbox: Pick<Outbox, "emit">;
      engineTypes: EngineTypes;
      host: HostDeps;
      config: ArcanConfig["plugins"];
      logger: Pick<Logger, "warn" | "error">;
    },
  ) {
    this.trustedKeys = deps.config.trusted_keys.map(trustedKey);
  }

  get caps() {
    return this.deps.config;
  }

  driver(name: string): PluginEngineDriver | undefined {
    return this.drivers.get(name);
  }

  driverOfType(engineType: string): PluginEngineDriver | undefined {
    return [...this.drivers.values()].find((d) => d.type === engineType);
  }

  /** Loads every installed plugin; one that no longer verifies is disabled, not run. */
  async start(): Promise<void> {
    const rows = await this.deps.db.plugin.findMany({ where: { state: { not: "disabled" } } });
    for (const row of rows) {
      try {
        const { envelope, files } = decodeStored(row);
        const loaded = await this.load(envelope, files);
        this.activate(loaded, row.state as PluginState, row.crashCount);
      } catch (err) {
        this.deps.logger.error({ plugin: row.name, reason: (err as Error).message }, "plugin does not verify or load; disabled");
        await this.deps.db.plugin.update({ where: { name: row.name }, data: { state: "disabled" } });
      }
    }
  }

  /**
   * Brings one plugin in line with the store (another process installed, upgraded or
   * removed it): loads the stored version when this process runs another, deactivates it
   * when it is gone or disabled.
   */
  async sync(name: string): Promise<void> {
    const row = await this.deps.db.plugin.findUnique({ where: { name } });
    if (!row || row.state === "disabled") {
      await this.deactivate(name);
      return;
    }
    if (this.drivers.get(name)?.current.manifest.version === row.version) return;
    try {
      const { envelope, files } = decodeStored(row);
      this.activate(await this.load(envelope, files), row.state as PluginState, row.crashCount);
    } catch (err) {
      this.deps.logger.error({ plugin: name, reason: (err as Error).message }, "plugin changed by another process does not load here");
    }
  }

  /** Every installed plugin (after a bus outage). */
  async syncAll(): Promise<void> {
    const rows = await this.deps.db.plugin.findMany({ select: { name: true } });
    const names = new Set([...rows.map((r) => r.name), ...this.drivers.keys()]);
    for (const name of names) await this.sync(name);
  }

  load(envelope: Envelope, files: Record<string, Buffer>): Promise<LoadedPlugin> {
    return loadPlugin(envelope, files, this.trustedKeys, this.deps.config);
  }

  /** Registers (or, on upgrade, swaps in) the plugin's engine type. */
  activate(plugin: LoadedPlugin, state: PluginState = "active", crashCount = 0): PluginEngineDriver {
    const { name } = plugin.manifest;
    this.states.set(name, state);
    this.crashCounts.set(name, crashCount);
    const existing = this.drivers.get(name);
    if (existing) {
      existing.current = plugin;
      return existing;
    }
    const driver = new PluginEngineDriver(plugin, { host: this.deps.host, outcomes: this });
    this.drivers.set(name, driver);
    this.deps.engineTypes.register(driver);
    return driver;
  }

  async deactivate(name: string): Promise<void> {
    const driver = this.drivers.get(name);
    if (!driver) return;
    this.drivers.delete(name);
    this.states.delete(name);
    this.crashCounts.delete(name);
    this.deps.engineTypes.unregister(driver.type);
    await Promise.all(driver.knownMounts.map((m) => driver.close(m.id)));
  }

  /** Shutdown: closes every pool the host functions opened. */
  stop(): Promise<void> {
    return this.deps.host.connections.closeAll();
  }

  state(name: string): PluginState | undefined {
    return this.states.get(name);
  }

  isFailed(name: string): boolean {
    return this.states.get(name) === "failed";
  }

  succeeded(plugin: LoadedPlugin): void {
    const { name } = plugin.manifest;
    if ((this.crashCounts.get(name) ?? 0) === 0 || this.isFailed(name)) return;
    this.crashCounts.set(name, 0);
    void this.deps.db.plugin.updateMany({ where: { name, state: "active" }, data: { crashCount: 0 } }).catch(() => {});
  }

  crashed(plugin: LoadedPlugin, crash: { limit: string; detail: string; realm: string }): void {
    const { name, version } = plugin.manifest;
    const count = (this.crashCounts.get(name) ?? 0) + 1;
    this.crashCounts.set(name, count);
    const failed = count >= this.deps.config.crash_threshold;
    if (failed) this.states.set(name, "failed");
    void this.record(name, version, crash, count, failed).catch((err: unknown) => this.deps.logger.warn({ plugin: name, reason: (err as Error).message }, "plugin crash not recorded"));
  }

  private async record(name: string, version: string, crash: { limit: string; detail: string; realm: string }, count: number, failed: boolean): Promise<void> {
    const { db } = this.deps;
    await db.pluginCrash.create({ data: { id: newId("pcr"), plugin: name, version, limit: crash.limit, detail: crash.detail, realm: crash.realm } });
    await db.plugin.updateMany({ where: { name }, data: { crashCount: count, ...(failed ? { state: "failed" } : {}) } });
    await this.deps.outbox.emit({ requestId: newRequestId(), principal: { subject: `plugin:${name}` } }, [
      { type: "plugin.crashed", realm: crash.realm, data: { plugin: name, version, limit: crash.limit, detail: crash.detail, crash_count: count, state: failed ? "failed" : "active" } },
    ]);
  }
}
