/**
 * Installed plugins: list (with state, version, signer and host functions), recent
 * crashes, install (from the registry or an uploaded package), upgrade and remove.
 * Nothing is written unless the package verified and loaded; an upgrade replaces the
 * running version only after the new one loaded and passed health on the mounts in use.
 */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { AppError, errors } from "../errors";
import type { Outbox } from "../events/outbox";
import type { EngineTypes } from "../engines/driver";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { InvalidationPublisher } from "../cluster/bus";
import type { LoadedPlugin } from "./loaded";
import type { RegistryClient } from "./registry";
import { encodeFiles, type PluginRuntime } from "./runtime";
import { pluginOps, type InstallRequest, type PluginCrashView, type PluginState, type PluginView } from "./schemas";

type PluginRow = NonNullable<Awaited<ReturnType<Db["plugin"]["findUnique"]>>>;

function view(row: PluginRow, loaded: LoadedPlugin | undefined, state: PluginState): PluginView {
  return {
    name: row.name,
    version: row.version,
    engine_type: row.engineType,
    state,
    host_functions: JSON.parse(row.hostFunctions) as string[],
    signer_key_id: row.signerKeyId,
    installed_at: row.installedAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    crash_count: row.crashCount,
    config_schema: loaded?.manifest.config_schema ?? {},
    role_schema: loaded?.manifest.role_schema ?? {},
  };
}

export class PluginService {
  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessGuard, "require">;
      audit: AuditWriter;
      outbox: Pick<Outbox, "transaction">;
      engineTypes: Pick<EngineTypes, "get">;
      runtime: PluginRuntime;
      registry: RegistryClient | null;
      /** Mounts of an engine type (the engine registry's count); removal is refused while any exist. */
      mountsOfType: (engineType: string) => Promise<number>;
      bus: InvalidationPublisher;
    },
  ) {}

  async list(actor: Actor): Promise<PluginView[]> {
    await this.deps.access.require(actor, pluginOps.list.capability, pluginOps.list.action);
    const rows = await this.deps.db.plugin.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.deps.audit, actor, pluginOps.list.action, { details: { count: rows.length } });
    return rows.map((row) => view(row, this.deps.runtime.driver(row.name)?.current, this.deps.runtime.state(row.name) ?? (row.state as PluginState)));
  }

  async crashes(actor: Actor, limit: number): Promise<PluginCrashView[]> {
    await this.deps.access.require(actor, pluginOps.crashes.capability, pluginOps.crashes.action);
    const rows = await this.deps.db.pluginCrash.findMany({ orderBy: { createdAt: "desc" }, take: limit });
    return rows.map((r) => ({ id: r.id, plugin: r.plugin, version: r.version, limit: r.limit, detail: r.detail, realm: r.realm, at: r.createdAt.toISOString() }));
  }

  private async fetch(input: InstallRequest) {
    if ("envelope" in input) {
      return { envelope: input.envelope, files: Object.fromEntries(Object.entries(input.files).map(([k, v]) => [k, Buffer.from(v, "base64")])) };
    }
    if (!this.deps.registry) throw errors.invalid("No plugin registry is configured ([plugins] registry_url); upload the package instead.", undefined, "registry_not_configured");
    return this.deps.registry.fetchPackage(input.name, input.version);
  }

  async install(actor: Actor, input: InstallRequest): Promise<PluginView> {
    const op = pluginOps.install;
    await this.deps.access.require(actor, op.capability, op.action);
    const pkg = await this.fetch(input);
    const loaded = await this.deps.runtime.load(pkg.envelope, pkg.files);
    const { manifest } = loaded;
    if ("name" in input && (manifest.name !== input.name || manifest.version !== input.version)) {
      throw errors.invalid(`The registry's package is ${manifest.name} ${manifest.version}, not ${input.name} ${input.version}.`, undefined, "plugin_signature_invalid");
    }
    if (await this.deps.db.plugin.findUnique({ where: { name: manifest.name } })) throw errors.conflict(`Plugin ${manifest.name} is already installed; upgrade it instead.`, "plugin_exists");
    if (this.deps.engineTypes.get(manifest.engine_type)) throw errors.conflict(`Engine type ${manifest.engine_type} already exists.`, "engine_type_exists");
    const row = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.plugin.create({
        data: {
          name: manifest.name,
          version: manifest.version,
          engineType: manifest.engine_type,
          state: "active",
          signerKeyId: loaded.signerKeyId,
          hostFunctions: JSON.stringify(manifest.host_functions),
          envelope: JSON.stringify(pkg.envelope),
          files: encodeFiles(pkg.files),
        },
      });
      emit("plugin.installed", { data: { plugin: manifest.name, version: manifest.version, engine_type: manifest.engine_type, signer_key_id: loaded.signerKeyId } });
      return created;
    });
    this.deps.runtime.activate(loaded);
    await this.deps.bus.publish({ kind: "plugin", name: manifest.name });
    await auditSuccess(this.deps.audit, actor, op.action, { resource: `plugin:${manifest.name}`, details: { version: manifest.version, signer_key_id: loaded.signerKeyId } });
    return view(row, loaded, "active");
  }

  async upgrade(actor: Actor, name: string, version: string): Promise<PluginView> {
    const op = pluginOps.upgrade;
    await this.deps.access.require(actor, op.capability, op.action);
    const existing = await this.find(name);
    const pkg = await this.fetch({ name, version });
    const loaded = await this.deps.runtime.load(pkg.envelope, pkg.files);
    const { manifest } = loaded;
    if (manifest.name !== name || manifest.version !== version) throw errors.invalid(`The registry's package is ${manifest.name} ${manifest.version}, not ${name} ${version}.`, undefined, "plugin_signature_invalid");
    if (manifest.engine_type !== existing.engineType) throw errors.invalid(`Version ${version} changes the engine type to ${manifest.engine_type}; install it as a new plugin.`);
    const driver = this.deps.runtime.driver(name);
    for (const mount of driver?.knownMounts ?? []) {
      const health = await driver!.health(mount, loaded);
      if (!health.ok) {
        throw new AppError("bad_gateway", `Plugin ${name} ${version} failed health on mount ${mount.name} in ${mount.realm.name}: ${health.detail ?? "not ok"}; still running ${existing.version}.`, { code: "plugin_failed" });
      }
    }
    const row = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const updated = await tx.plugin.update({
        where: { name },
        data: { version, state: "active", crashCount: 0, signerKeyId: loaded.signerKeyId, hostFunctions: JSON.stringify(manifest.host_functions), envelope: JSON.stringify(pkg.envelope), files: encodeFiles(pkg.files) },
      });
      emit("plugin.upgraded", { data: { plugin: name, from: existing.version, version, signer_key_id: loaded.signerKeyId } });
      return updated;
    });
    this.deps.runtime.activate(loaded);
    await this.deps.bus.publish({ kind: "plugin", name: manifest.name });
    await auditSuccess(this.deps.audit, actor, op.action, { resource: `plugin:${name}`, details: { from: existing.version, version } });
    return view(row, loaded, "active");
  }

  async remove(actor: Actor, name: string): Promise<void> {
    const op = pluginOps.remove;
    await this.deps.access.require(actor, op.capability, op.action);
    const existing = await this.find(name);
    const mounts = await this.deps.mountsOfType(existing.engineType);
    if (mounts > 0) throw errors.conflict(`Plugin ${name} is used by ${mounts} mount(s) of type ${existing.engineType}; delete them first.`, "plugin_in_use");
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      await tx.plugin.delete({ where: { name } });
      emit("plugin.removed", { data: { plugin: name, version: existing.version } });
    });
    await this.deps.runtime.deactivate(name);
    await this.deps.bus.publish({ kind: "plugin", name });
    await auditSuccess(this.deps.audit, actor, op.action, { resource: `plugin:${name}`, details: { version: existing.version } });
  }

  private async find(name: string): Promise<PluginRow> {
    const row = await this.deps.db.plugin.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Plugin "${name}"`, "plugin_not_found");
    return row;
  }
}
