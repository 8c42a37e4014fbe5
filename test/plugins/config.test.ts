// [plugins] configuration: trusted keys from the file or ARCAN_PLUGINS_TRUSTED_KEYS
// (comma-separated), registry settings, and refusal of keys that are not Ed25519 keys.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../server/config/config";
import { newSigningKey } from "./helpers";

describe("[plugins] config", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-plugin-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const a = newSigningKey().publicBase64;
  const b = newSigningKey().publicBase64;

  it("has safe defaults: no trusted keys, no registry, the contract's limits", () => {
    const { plugins } = loadConfig({}, dir);
    assert.deepEqual(plugins.trusted_keys, []);
    assert.equal(plugins.registry_url, "");
    assert.equal(plugins.allow_private_networks, false);
    assert.deepEqual([plugins.memory_mb, plugins.timeout_ms, plugins.host_calls], [32, 2000, 100]);
  });

  it("reads keys from arcan.toml, and the environment's comma-separated list wins", () => {
    const file = path.join(dir, "arcan.toml");
    writeFileSync(file, `[plugins]\ntrusted_keys = ["${a}"]\nregistry_keys = ["${b}"]\nregistry_url = "file:///srv/registry/"\n`);
    const fromFile = loadConfig({ ARCAN_CONFIG: file }, dir).plugins;
    assert.deepEqual(fromFile.trusted_keys, [a]);
    assert.deepEqual(fromFile.registry_keys, [b]);
    const fromEnv = loadConfig({ ARCAN_CONFIG: file, ARCAN_PLUGINS_TRUSTED_KEYS: `${a}, ${b}` }, dir).plugins;
    assert.deepEqual(fromEnv.trusted_keys, [a, b]);
  });

  it("refuses a key that is not 32 bytes and a registry that is not https:// or file://", () => {
    assert.throws(() => loadConfig({ ARCAN_PLUGINS_TRUSTED_KEYS: "bm90LWEta2V5" }, dir), (e: unknown) => e instanceof ConfigError && /ARCAN_PLUGINS_TRUSTED_KEYS/.test(e.message));
    assert.throws(() => loadConfig({ ARCAN_PLUGINS_REGISTRY_URL: "http://registry.example/" }, dir), /https:\/\/ or file:\/\//);
  });
});
