/** Installed plugins: list, install (from the registry or an uploaded package), upgrade, remove. */
import type { Core } from "./core.js";
import { segment } from "./core.js";
import type { components } from "./generated/api.js";

export type Plugin = components["schemas"]["Plugin"];
export type InstallPluginRequest = components["schemas"]["InstallPluginRequest"];

export class PluginsResource {
  constructor(private readonly core: Core) {}

  async list(): Promise<Plugin[]> {
    return (await this.core.unwrap(this.core.api.GET("/api/v1/plugins"))).items;
  }

  /** `{name, version}` from the registry, or `{envelope, files}` (base64 files); the signature is checked first. */
  install(input: InstallPluginRequest): Promise<Plugin> {
    return this.core.unwrap(this.core.api.POST("/api/v1/plugins", { body: input }));
  }

  upgrade(name: string, version: string): Promise<Plugin> {
    return this.core.unwrap(this.core.api.POST("/api/v1/plugins/{name}/upgrade", { params: { path: { name: segment(name) } }, body: { version } }));
  }

  async remove(name: string): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/plugins/{name}", { params: { path: { name: segment(name) } } }));
  }
}
