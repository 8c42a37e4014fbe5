// node --import tsx --test server/config/config.test.ts
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError, envName, loadConfig } from "./config";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A working directory holding `arcan.toml` with the given text (or none). */
function cwdWith(toml?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-cfg-"));
  dirs.push(dir);
  if (toml !== undefined) writeFileSync(path.join(dir, "arcan.toml"), toml);
  return dir;
}

function refused(env: Record<string, string>, toml?: string): string {
  try {
    loadConfig(env, cwdWith(toml));
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  return assert.fail("the configuration was accepted");
}

describe("loadConfig", () => {
  it("reads the scale-out keys: [kms] key_file (default in data_dir) and [redis] key_prefix", () => {
    const cwd = cwdWith('[kms]\nkey_file = "/run/secrets/kek.key"\n');
    const c = loadConfig({ ARCAN_REDIS_URL: "redis://127.0.0.1:6379", ARCAN_REDIS_KEY_PREFIX: "prod-eu" }, cwd);
    assert.equal(c.kms.provider, "local");
    assert.equal(c.kms.key_file, "/run/secrets/kek.key");
    assert.equal(c.redis.key_prefix, "prod-eu");
    const defaults = loadConfig({}, cwdWith());
    assert.equal(defaults.kms.key_file, "", "empty: <data_dir>/kek.key");
    assert.equal(defaults.redis.key_prefix, "arcan");
    assert.match(refused({ ARCAN_KMS_PROVIDER: "vault" }), /\[kms\] provider \(ARCAN_KMS_PROVIDER\)/);
    assert.match(refused({ ARCAN_REDIS_KEY_PREFIX: "has space" }), /\[redis\] key_prefix/);
    assert.match(refused({ ARCAN_KMS_PROVIDER: "pkcs11", ARCAN_KMS_REWRAP_FROM: "pkcs11" }), /\[kms\] rewrap_from \(ARCAN_KMS_REWRAP_FROM\): .*provider = "local"/);
    assert.match(refused({ ARCAN_KMS_REWRAP_FROM: "local" }), /\[kms\] rewrap_from_key_file .*other than key_file/);
    assert.equal(loadConfig({ ARCAN_KMS_REWRAP_FROM: "local", ARCAN_KMS_REWRAP_FROM_KEY_FILE: "/run/secrets/old-kek" }, cwdWith()).kms.rewrap_from, "local");
  });

  it("has the contract's defaults", () => {
    const cwd = cwdWith();
    const c = loadConfig({}, cwd);
    assert.equal(c.port, 8443);
    assert.equal(c.host, "0.0.0.0");
    assert.equal(c.data_dir, path.join(cwd, "data"));
    assert.equal(c.database_url, "");
    assert.equal(c.auth.cache_ttl, 30);
    assert.equal(c.auth.max_cache_size, 1000);
    assert.equal(c.rate_limit.per_token, 100);
    assert.equal(c.rate_limit.per_ip, 10);
    assert.deepEqual(c.webhooks.retry_schedule, [1, 5, 30]);
    assert.equal(c.configFile, null);
  });

  it("reads arcan.toml and lets ARCAN_* win", () => {
    const toml = 'port = 9000\ndata_dir = "state"\n[auth]\ncache_ttl = 5\nmax_cache_size = 50\n[webhooks]\nretry_schedule = [2, 4]\n';
    const cwd = cwdWith(toml);
    const fromFile = loadConfig({}, cwd);
    assert.equal(fromFile.port, 9000);
    assert.equal(fromFile.data_dir, path.join(cwd, "state"));
    assert.equal(fromFile.auth.cache_ttl, 5);
    assert.deepEqual(fromFile.webhooks.retry_schedule, [2, 4]);
    assert.equal(fromFile.configFile, path.join(cwd, "arcan.toml"));
    const env = { ARCAN_PORT: "9100", ARCAN_AUTH_CACHE_TTL: "7", ARCAN_WEBHOOKS_RETRY_SCHEDULE: "1, 2, 3", ARCAN_CONSOLE_ENABLED: "false" };
    const merged = loadConfig(env, cwd);
    assert.equal(merged.port, 9100);
    assert.equal(merged.auth.cache_ttl, 7);
    assert.equal(merged.auth.max_cache_size, 50, "keys the environment does not set still come from the file");
    assert.deepEqual(merged.webhooks.retry_schedule, [1, 2, 3]);
    assert.equal(merged.console.enabled, false);
    assert.equal(loadConfig({ ARCAN_PORT: "" }, cwd).port, 9000, "an empty variable does not override");
  });

  it("reads the file named by ARCAN_CONFIG", () => {
    const dir = cwdWith();
    writeFileSync(path.join(dir, "custom.toml"), "[rate_limit]\nper_ip = 3\n");
    assert.equal(loadConfig({ ARCAN_CONFIG: "custom.toml" }, dir).rate_limit.per_ip, 3);
    assert.match(refused({ ARCAN_CONFIG: "missing.toml" }), /ARCAN_CONFIG.*does not exist/);
  });

  it("names the key and its variable for a bad value", () => {
    assert.match(refused({ ARCAN_PORT: "http" }), /^config: port \(ARCAN_PORT\): /);
    assert.match(refused({ ARCAN_PORT: "70000" }), /port \(ARCAN_PORT\)/);
    assert.match(refused({}, "[auth]\ncache_ttl = -5\n"), /\[auth\] cache_ttl \(ARCAN_AUTH_CACHE_TTL\)/);
    assert.match(refused({ ARCAN_RATE_LIMIT_PER_TOKEN: "0" }), /\[rate_limit\] per_token \(ARCAN_RATE_LIMIT_PER_TOKEN\)/);
    assert.match(refused({ ARCAN_DATABASE_URL: "mysql://x/y" }), /database_url \(ARCAN_DATABASE_URL\)/);
    assert.match(refused({ ARCAN_LOG_LEVEL: "verbose" }), /\[log\] level/);
    assert.match(refused({ ARCAN_CONSOLE_DEV: "yes" }), /\[console\] dev/);
    assert.match(refused({}, '[audit]\nsyslog_address = "syslog.local"\n'), /\[audit\] syslog_address/);
    assert.match(refused({}, "[webhooks]\nretry_schedule = [1, -2]\n"), /\[webhooks\] retry_schedule/);
  });

  it("refuses a bootstrap token under 32 characters, under either name", () => {
    for (const name of ["ARCAN_BOOTSTRAP_TOKEN", "ARCAN_AUTH_BOOTSTRAP_TOKEN"]) {
      const message = refused({ [name]: "x".repeat(31) });
      assert.match(message, /32/);
      assert.match(message, /ARCAN_BOOTSTRAP_TOKEN/);
      assert.ok(!message.includes("x".repeat(31)), "the value is not echoed");
    }
    assert.equal(loadConfig({ ARCAN_BOOTSTRAP_TOKEN: "x".repeat(32) }, cwdWith()).auth.bootstrap_token, "x".repeat(32));
    assert.equal(loadConfig({ ARCAN_FORCE_BOOTSTRAP: "true" }, cwdWith()).auth.force_bootstrap, true);
  });

  it("refuses unknown keys, unknown sections and a section that is not a table", () => {
    assert.match(refused({}, "colour = 1\n"), /unknown key "colour"/);
    assert.match(refused({}, "[auth]\ncolour = 1\n"), /unknown key "colour" in \[auth\]/);
    assert.match(refused({}, "[nosuch]\nx = 1\n"), /unknown key "nosuch"/);
    assert.match(refused({}, "auth = 5\n"), /\bauth\b/);
    assert.match(refused({}, "port = \n"), /not valid TOML/);
  });

  it("maps keys to variable names", () => {
    assert.equal(envName("", "port"), "ARCAN_PORT");
    assert.equal(envName("auth", "cache_ttl"), "ARCAN_AUTH_CACHE_TTL");
    assert.equal(envName("rate_limit", "per_ip"), "ARCAN_RATE_LIMIT_PER_IP");
  });
});
