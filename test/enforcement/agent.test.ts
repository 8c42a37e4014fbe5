// `arcan agent` (seed 000 Pattern D) spawned as a process against a real server: the file it
// writes, refresh on change, --exec restart and signals, the health probes, and Arcan going
// away and coming back on the same address.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { ROOT, STORES, startServer, type TestServer } from "../helpers/server";
import { readJson, startAgent, status, waitFor, writeChildScript } from "./agent-harness";

const SECRET_A = "postgres://app:first-secret-value@db/app";
const SECRET_B = "postgres://app:second-secret-value@db/app";

before(async () => {
  // The same build `npm run build` runs, so the suite exercises the shipped bin.
  await promisify(execFile)("npm", ["run", "sdk:build"], { cwd: ROOT });
});

for (const store of STORES) {
  describe(`arcan agent (${store})`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    let dir: string;
    const put = async (key: string, value: string) => assert.equal((await server.request("PUT", `/api/v1/realms/myapp/secrets/${key}`, { body: { value } })).status, 200);

    before(async () => {
      server = await startServer({ store, env: { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" } });
      env = { ARCAN_ADDR: server.url, ARCAN_TOKEN: server.adminToken, ARCAN_CACERT: path.join(server.dataDir, "tls.crt") };
      dir = mkdtempSync(path.join(tmpdir(), "arcan-agent-"));
      assert.equal((await server.request("POST", "/api/v1/realms", { body: { name: "myapp" } })).status, 201);
      await put("DATABASE_URL", SECRET_A);
      await put("API_KEY", "key one");
    });
    after(async () => {
      await server?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("writes KEY=value lines with mode 0600 and rewrites the file when a secret changes", async () => {
      const out = path.join(dir, "app.env");
      const agent = startAgent(["--realm", "myapp", "--inject", "DATABASE_URL,API_KEY", "--refresh", "300ms", "--out", out], env);
      try {
        await waitFor(() => readFileSync(out, "utf8").includes("DATABASE_URL="), 20_000, agent.stderr);
        assert.equal(statSync(out).mode & 0o777, 0o600);
        assert.equal(readFileSync(out, "utf8"), `API_KEY="key one"\nDATABASE_URL=${SECRET_A}\n`);
        await put("DATABASE_URL", SECRET_B);
        await waitFor(() => readFileSync(out, "utf8").includes(SECRET_B), 10_000, agent.stderr);
        assert.equal(statSync(out).mode & 0o777, 0o600);
        assert.deepEqual(readFileSync(out, "utf8").split("\n").filter(Boolean).sort(), ['API_KEY="key one"', `DATABASE_URL=${SECRET_B}`]);
        assert.equal(await agent.stop(), 0);
        for (const value of [SECRET_A, SECRET_B, "key one"]) assert.ok(!agent.stderr().includes(value), "no value is ever logged");
        assert.match(agent.stderr(), /values changed: rewrote/);
      } finally {
        await agent.stop();
        await put("DATABASE_URL", SECRET_A);
      }
    });

    it("writes JSON with --format json, and refuses an unknown key at start (exit 1, no file)", async () => {
      const out = path.join(dir, "app.json");
      const agent = startAgent(["--realm", "myapp", "--inject", "API_KEY", "--out", out, "--format", "json"], env);
      await waitFor(() => readJson<Record<string, string>>(out).API_KEY === "key one", 20_000, agent.stderr);
      assert.deepEqual(readJson(out), { API_KEY: "key one" });
      assert.equal(await agent.stop("SIGINT"), 130);

      const missing = path.join(dir, "missing.env");
      const refused = startAgent(["--realm", "myapp", "--inject", "NO_SUCH_KEY", "--out", missing], env);
      assert.equal(await refused.exited, 1);
      assert.match(refused.stderr(), /not found/i);
      assert.throws(() => statSync(missing), /ENOENT/);
    });

    it("--exec runs the command with the values, restarts it on change, forwards signals, and hides its own token", async () => {
      const script = writeChildScript(dir);
      const report = path.join(dir, "child.json");
      const agent = startAgent(["--realm", "myapp", "--inject", "DATABASE_URL,API_KEY", "--refresh", "300ms", "--exec", "--", process.execPath, script, report], env);
      try {
        await waitFor(() => readJson<{ env: Record<string, string> }>(report).env.DATABASE_URL === SECRET_A, 20_000, agent.stderr);
        const first = readJson<{ pid: number; env: Record<string, string> }>(report);
        assert.equal(first.env.API_KEY, "key one");
        assert.equal(first.env.ARCAN_TOKEN, undefined, "the command never sees the agent's Arcan token");

        await put("API_KEY", "key two");
        await waitFor(() => readJson<{ env: Record<string, string> }>(report).env.API_KEY === "key two", 15_000, agent.stderr);
        const second = readJson<{ pid: number }>(report);
        assert.notEqual(second.pid, first.pid, "a new process got the new value");
        assert.equal(readFileSync(`${report}.stopped`, "utf8"), String(first.pid), "the old one was stopped with SIGTERM");

        agent.child.kill("SIGHUP");
        await waitFor(() => readJson<{ hups: number }>(report).hups === 1, 5000, agent.stderr);

        assert.equal(await agent.stop("SIGTERM"), 0, "the agent exits with the command's code");
        assert.equal(readFileSync(`${report}.stopped`, "utf8"), String(second.pid), "SIGTERM reached the command");
      } finally {
        await agent.stop();
        await put("API_KEY", "key one");
      }
    });

    it("--on-change sighup signals the command instead of restarting it", async () => {
      const script = writeChildScript(dir);
      const report = path.join(dir, "hup.json");
      const out = path.join(dir, "hup.env");
      const agent = startAgent(["--realm", "myapp", "--inject", "API_KEY", "--refresh", "300ms", "--out", out, "--on-change", "sighup", "--exec", "--", process.execPath, script, report], env);
      try {
        await waitFor(() => readJson<{ pid: number }>(report).pid > 0, 20_000, agent.stderr);
        const pid = readJson<{ pid: number }>(report).pid;
        await put("API_KEY", "key three");
        await waitFor(() => readJson<{ hups: number }>(report).hups === 1, 15_000, agent.stderr);
        assert.equal(readJson<{ pid: number }>(report).pid, pid, "the same process");
        assert.equal(readFileSync(out, "utf8"), 'API_KEY="key three"\n', "the file has the new value for the command to re-read");
      } finally {
        await agent.stop();
        await put("API_KEY", "key one");
      }
    });

    it("serves /health and /ready, keeps the last good values while Arcan is down, and recovers when it returns", async () => {
      const out = path.join(dir, "outage.env");
      const agent = startAgent(["--realm", "myapp", "--inject", "DATABASE_URL", "--refresh", "500ms", "--out", out, "--health-addr", "127.0.0.1:0"], env);
      try {
        const health = await agent.healthUrl();
        await waitFor(async () => (await status(`${health}/ready`)) === 200, 20_000, agent.stderr);
        assert.equal(await status(`${health}/health`), 200);

        await server.stop();
        await waitFor(() => /refresh failed: Arcan unreachable .*serving the last good values; retrying in/.test(agent.stderr()), 10_000, agent.stderr);
        await waitFor(async () => (await status(`${health}/ready`)) === 503, 10_000, () => "ready stays 200 while refreshes fail");
        assert.equal(await status(`${health}/health`), 200, "still alive");
        assert.equal(readFileSync(out, "utf8"), `DATABASE_URL=${SECRET_A}\n`, "the last good values stay in place");
        const retries = [...agent.stderr().matchAll(/retrying in ([\d.]+)s/g)].map((m) => Number(m[1]));
        assert.ok(retries.length >= 1 && retries.every((w) => w <= 0.5), `backoff capped by the refresh interval: ${retries.join(",")}`);

        server = await server.restart({ ARCAN_PORT: String(server.port) });
        await waitFor(async () => (await status(`${health}/ready`)) === 200, 30_000, agent.stderr);
        assert.match(agent.stderr(), /Arcan is reachable again/);
        await put("DATABASE_URL", SECRET_B);
        await waitFor(() => readFileSync(out, "utf8") === `DATABASE_URL=${SECRET_B}\n`, 10_000, agent.stderr);
        assert.ok(!agent.stderr().includes(SECRET_A) && !agent.stderr().includes(SECRET_B));
      } finally {
        await agent.stop();
      }
    });
  });
}
