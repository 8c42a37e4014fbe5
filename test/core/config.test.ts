// Configuration at start: a bad value in arcan.toml or ARCAN_* stops the server with a
// message naming the key, unknown keys are refused, and the environment wins over the file.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { NO_RATE_LIMITS } from "../helpers/core";
import { spawnArcan, startServer, STORES } from "../helpers/server";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-config-"));
  dirs.push(dir);
  return dir;
}

function configFile(toml: string): string {
  const file = path.join(tempDir(), "arcan.toml");
  writeFileSync(file, toml);
  return file;
}

/** Starts the server expecting it to refuse; returns its exit code and stderr. */
async function refusal(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return spawnArcan({ ARCAN_DATA_DIR: tempDir(), ...env }).then(
    async ({ child }) => {
      child.kill("SIGKILL");
      return assert.fail(`the server started with ${JSON.stringify(env)}`);
    },
    (e: { code: number; stderr: string }) => e,
  );
}

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("configuration errors stop the server", { concurrency: 3 }, () => {
  const cases: { name: string; env: () => Record<string, string>; mentions: RegExp[] }[] = [
    // The harness sets ARCAN_PORT, ARCAN_HOST and ARCAN_LOG_LEVEL, which would win over the file.
    { name: "a bad top-level value in arcan.toml", env: () => ({ ARCAN_CONFIG: configFile('redis_url = "http://cache"\n') }), mentions: [/\bredis_url\b/, /ARCAN_REDIS_URL/] },
    { name: "a negative [auth] cache_ttl", env: () => ({ ARCAN_CONFIG: configFile("[auth]\ncache_ttl = -1\n") }), mentions: [/\[auth\] cache_ttl/, /ARCAN_AUTH_CACHE_TTL/] },
    { name: "a bad syslog address", env: () => ({ ARCAN_CONFIG: configFile('[audit]\nsyslog_address = "ftp://logs"\n') }), mentions: [/\[audit\] syslog_address/] },
    { name: "a bad port from the environment", env: () => ({ ARCAN_PORT: "eighty" }), mentions: [/\bport\b/, /ARCAN_PORT/] },
    { name: "a bad log level from the environment", env: () => ({ ARCAN_LOG_LEVEL: "loud" }), mentions: [/\[log\] level/, /ARCAN_LOG_LEVEL/] },
    { name: "a bad [rate_limit] per_ip from the environment", env: () => ({ ARCAN_RATE_LIMIT_PER_IP: "lots" }), mentions: [/per_ip/, /ARCAN_RATE_LIMIT_PER_IP/] },
    { name: "a bad ARCAN_DATABASE_URL", env: () => ({ ARCAN_DATABASE_URL: "mysql://db/arcan" }), mentions: [/database_url/, /ARCAN_DATABASE_URL/] },
    { name: "a bad boolean", env: () => ({ ARCAN_CONSOLE_ENABLED: "maybe" }), mentions: [/\[console\] enabled/, /ARCAN_CONSOLE_ENABLED/] },
    { name: "an unknown top-level key", env: () => ({ ARCAN_CONFIG: configFile('colour = "blue"\n') }), mentions: [/unknown key/, /colour/] },
    { name: "an unknown key in a section", env: () => ({ ARCAN_CONFIG: configFile("[auth]\ncache_size = 5\n") }), mentions: [/unknown key/, /cache_size/, /\[auth\]/] },
    { name: "an unknown section", env: () => ({ ARCAN_CONFIG: configFile("[storage]\npath = 1\n") }), mentions: [/unknown key/, /storage/] },
    { name: "a file that is not TOML", env: () => ({ ARCAN_CONFIG: configFile("port = = 1\n") }), mentions: [/not valid TOML/] },
    { name: "a missing ARCAN_CONFIG file", env: () => ({ ARCAN_CONFIG: "/nonexistent/arcan.toml" }), mentions: [/ARCAN_CONFIG/, /does not exist/] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { code, stderr } = await refusal(c.env());
      assert.ok(code !== 0 && code !== null, `exit code ${code}`);
      for (const m of c.mentions) assert.match(stderr, m);
      assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
    });
  }
});

for (const store of STORES) {
  describe(`configuration sources (${store})`, () => {
    it("reads arcan.toml, and ARCAN_* variables win over it", async () => {
      const file = configFile("[auth]\nmax_cache_size = 111\ncache_ttl = 12\n\n[rate_limit]\nper_token = 7\nper_ip = 1000\n");
      const fromFile = await startServer({ store, env: { ARCAN_CONFIG: file } });
      try {
        const stats = await fromFile.request("GET", "/api/v1/auth/cache/stats");
        assert.equal(stats.body.max_size, 111);
        assert.equal(stats.body.ttl_seconds, 12);
        assert.equal(stats.headers["x-ratelimit-limit"], "7");
      } finally {
        await fromFile.cleanup();
      }
      const overridden = await startServer({ store, env: { ARCAN_CONFIG: file, ARCAN_AUTH_MAX_CACHE_SIZE: "222", ...NO_RATE_LIMITS } });
      try {
        const stats = await overridden.request("GET", "/api/v1/auth/cache/stats");
        assert.equal(stats.body.max_size, 222, "environment wins");
        assert.equal(stats.body.ttl_seconds, 12, "the rest still comes from the file");
        assert.equal(stats.headers["x-ratelimit-limit"], NO_RATE_LIMITS.ARCAN_RATE_LIMIT_PER_TOKEN);
      } finally {
        await overridden.cleanup();
      }
    });
  });
}
