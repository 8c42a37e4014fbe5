// The `arcan` CLI as a user runs it: the built bin (package.json "bin") spawned as a
// process against a real server, configured through ARCAN_ADDR, ARCAN_TOKEN, ARCAN_CACERT.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { ArcanClient } from "../../sdk/src/index";
import { ROOT, startServer, type TestServer } from "../helpers/server";

const BIN = path.join(ROOT, (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: { arcan: string } }).bin.arcan);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("arcan CLI", () => {
  let server: TestServer;
  let env: Record<string, string>;

  /** Runs the CLI; `stdin` is piped in when given. */
  const arcan = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", ...env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(opts.stdin ?? "");
    });
  const ok = async (args: string[], opts?: { stdin?: string; env?: Record<string, string> }): Promise<Run> => {
    const r = await arcan(args, opts);
    assert.equal(r.code, 0, `arcan ${args.join(" ")} → ${r.code}\n${r.stderr}`);
    return r;
  };
  const json = async <T>(args: string[]): Promise<T> => JSON.parse((await ok([...args, "--json"])).stdout) as T;

  before(async () => {
    // The same build `npm run build` runs, so the test exercises the shipped bin.
    await promisify(execFile)("npm", ["run", "sdk:build"], { cwd: ROOT });
    server = await startServer({ store: "sqlite", env: { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" } });
    env = { ARCAN_ADDR: server.url, ARCAN_TOKEN: server.adminToken, ARCAN_CACERT: path.join(server.dataDir, "tls.crt") };
  });
  after(() => server?.cleanup());

  it("creates the seed's token, whose value then works with the SDK's kv.get", async () => {
    await ok(["realm", "create", "myapp", "--description", "payments"]);
    await ok(["secret", "put", "--realm", "myapp", "DATABASE_URL", "postgres://db/app"]);
    const r = await ok(["token", "create", "--name", "ci-pipeline", "--ttl", "90d", "--capabilities", "secrets:read,leases:create", "--realms", "myapp"]);
    const token = /^token:\s+(arc_\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(token, `the token is printed:\n${r.stdout}`);
    assert.match(r.stderr, /shown only once/);
    const client = new ArcanClient({ url: server.url, token, caCert: readFileSync(env.ARCAN_CACERT!, "utf8") });
    assert.equal(await client.kv.get("DATABASE_URL", { realm: "myapp" }), "postgres://db/app");
  });

  it("manages realms", async () => {
    await ok(["realm", "create", "scratch"]);
    assert.match((await ok(["realm", "list"])).stdout, /^scratch\s/m);
    const realms = await json<{ name: string; description: string }[]>(["realm", "list"]);
    assert.deepEqual(realms.map((x) => x.name).sort(), ["myapp", "scratch"]);
    assert.equal((await json<{ description: string }>(["realm", "get", "myapp"])).description, "payments");
    assert.match((await ok(["realm", "delete", "scratch"])).stdout, /Deleted realm scratch/);
    const gone = await arcan(["realm", "get", "scratch"]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Not found: Realm "scratch" was not found\./);
  });

  it("writes secrets from an argument or stdin and reads them back exactly", async () => {
    const multiline = "-----BEGIN KEY-----\nabc\n-----END KEY-----\n";
    await ok(["secret", "put", "--realm", "myapp", "TLS_KEY", "-"], { stdin: multiline });
    assert.equal((await json<{ value: string }>(["secret", "get", "--realm", "myapp", "TLS_KEY"])).value, multiline);
    await ok(["secret", "put", "--realm", "myapp", "API_KEY", "one"]);
    await ok(["secret", "put", "--realm", "myapp", "API_KEY", "two", "--cas", "1"]);
    const conflict = await arcan(["secret", "put", "--realm", "myapp", "API_KEY", "three", "--cas", "1"]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /Conflict: Check-and-set failed/);
    assert.equal((await ok(["secret", "get", "--realm", "myapp", "API_KEY"])).stdout, "two\n");
    assert.equal((await ok(["secret", "get", "API_KEY", "--version", "1"], { env: { ARCAN_REALM: "myapp" } })).stdout, "one\n");
    assert.deepEqual((await json<{ version: number; current: boolean }[]>(["secret", "versions", "--realm", "myapp", "API_KEY"])).map((v) => [v.version, v.current]), [[2, true], [1, false]]);
    const keys = (await json<{ key: string }[]>(["secret", "list", "--realm", "myapp"])).map((s) => s.key).sort();
    assert.deepEqual(keys, ["API_KEY", "DATABASE_URL", "TLS_KEY"]);
    await ok(["secret", "delete", "--realm", "myapp", "API_KEY"]);
    assert.equal((await arcan(["secret", "get", "--realm", "myapp", "API_KEY"])).code, 1);
  });

  it("lists, rotates and revokes tokens", async () => {
    const created = await json<{ id: string; token: string }>(["token", "create", "--name", "deploy", "--capabilities", "secrets:read", "--rate-limit", "50"]);
    const listed = await json<{ id: string; name: string }[]>(["token", "list"]);
    assert.ok(listed.some((t) => t.id === created.id && t.name === "deploy"));
    assert.match((await ok(["token", "get", created.id])).stdout, /rate limit:\s+50/);
    const rotated = await json<{ id: string; token: string }>(["token", "rotate", created.id]);
    assert.equal(rotated.id, created.id);
    assert.notEqual(rotated.token, created.token);
    const old = await arcan(["whoami"], { env: { ARCAN_TOKEN: created.token } });
    assert.equal(old.code, 2, "the old value no longer authenticates");
    assert.match((await ok(["whoami"], { env: { ARCAN_TOKEN: rotated.token } })).stdout, /name:\s+deploy/);
    await ok(["token", "revoke", created.id]);
    const revoked = await arcan(["realm", "list"], { env: { ARCAN_TOKEN: rotated.token } });
    assert.equal(revoked.code, 1);
    assert.match(revoked.stderr, /Authentication required: The API token has been revoked\./);

    const refused = await arcan(["token", "revoke-all"]);
    assert.equal(refused.code, 2, "revoke-all needs --yes");
    const all = await json<{ revoked: number }>(["token", "revoke-all", "--yes"]);
    assert.ok(all.revoked >= 1);
    await ok(["realm", "list"]);
  });

  it("manages roles and bindings", async () => {
    await ok(["role", "create", "ci-reader", "--capabilities", "secrets:read", "--description", "CI"]);
    assert.deepEqual((await json<{ capabilities: string[] }>(["role", "get", "ci-reader"])).capabilities, ["secrets:read"]);
    assert.match((await ok(["role", "list"])).stdout, /^ci-reader\s+secrets:read/m);
    const subject = `token:${(await json<{ id: string }>(["token", "create", "--name", "bound"])).id}`;
    const b = await json<{ id: string }>(["binding", "create", "--subject", subject, "--role", "ci-reader", "--realm", "myapp"]);
    assert.match((await ok(["binding", "list"])).stdout, new RegExp(`^${b.id}\\s+${subject}\\s+ci-reader\\s+myapp`, "m"));
    await ok(["binding", "delete", b.id]);
    await ok(["role", "delete", "ci-reader"]);
    assert.equal((await arcan(["role", "get", "ci-reader"])).code, 1);
  });

  it("searches the audit log with filters and verifies the chain", async () => {
    const page = await json<{ items: { action: string; realm: string | null }[] }>(["audit", "search", "--realm", "myapp", "--action", "secret.write", "--outcome", "success", "--limit", "100"]);
    assert.ok(page.items.length >= 4);
    assert.ok(page.items.every((r) => r.action === "secret.write" && r.realm === "myapp"));
    assert.match((await ok(["audit", "search", "--limit", "2"])).stderr, /more: --cursor \S+/);
    assert.match((await ok(["audit", "verify"])).stdout, /Audit chain intact: \d+ record\(s\) checked\./);
  });

  it("exits 1 with the problem on stderr for API errors, 2 for bad usage", async () => {
    const denied = await arcan(["token", "list"], { env: { ARCAN_TOKEN: "" } });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /Authentication required: Send an API token/);
    assert.match(denied.stderr, /status 401, code token_missing, request req_[0-9a-f]{32}/);
    const asJson = await arcan(["realm", "get", "nope", "--json"]);
    assert.equal(asJson.code, 1);
    assert.equal((JSON.parse(asJson.stderr) as { code: string }).code, "realm_not_found");
    const invalid = await arcan(["realm", "create", "Not_A_Slug"]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /Invalid request: .*name/);

    for (const args of [["bogus"], ["token", "create"], ["secret", "get", "X"], ["token", "create", "--name", "x", "--rate-limit", "abc"], ["realm", "list", "--nope"], ["audit", "search", "--outcome", "maybe"]]) {
      const r = await arcan(args, { env: { ARCAN_REALM: "" } });
      assert.equal(r.code, 2, `arcan ${args.join(" ")}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
    }
    const plainHttp = await arcan(["realm", "list"], { env: { ARCAN_ADDR: "http://127.0.0.1:1" } });
    assert.equal(plainHttp.code, 2);
    const untrusted = await arcan(["realm", "list"], { env: { ARCAN_CACERT: "" } });
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /Connection failed: .*self-signed/);
    assert.match(untrusted.stderr, /hint: .*ARCAN_CACERT=<data_dir>\/tls\.crt/s, "says how to trust a self-signed server");
    assert.match(untrusted.stderr, /ARCAN_SKIP_VERIFY=true/);
    assert.equal((await arcan(["realm", "list"], { env: { ARCAN_CACERT: "", ARCAN_SKIP_VERIFY: "true" } })).code, 0);
  });

  const LOCAL_TOOLS = new Set(["plugin sign", "plugin verify"]);
  it("has --help on every command and subcommand", async () => {
    const top = await ok(["--help"]);
    const groups = [...top.stdout.matchAll(/^ {2}([a-z][a-z-]*)(?: \[options\])?\s{2,}/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    assert.deepEqual(groups, ["realm", "secret", "token", "role", "binding", "audit", "whoami", "plugin", "agents", "policy", "review", "authorize", "engine", "lease"]);
    const leaves: string[][] = [["whoami"], ["authorize"]];
    for (const group of groups.filter((g) => g !== "whoami" && g !== "authorize")) {
      const help = await ok([group, "--help"]);
      for (const m of help.stdout.matchAll(/^ {2}([a-z-]+) \[options\]/gm)) leaves.push([group, m[1]!]);
    }
    assert.ok(leaves.length >= 25, `found ${leaves.length} commands`);
    await Promise.all(
      leaves.map(async (cmd) => {
        const help = await ok([...cmd, "--help"]);
        assert.match(help.stdout, new RegExp(`^Usage: arcan ${cmd.join(" ")}`), cmd.join(" "));
        // Plugin authors' local tools (signing, verifying a file) and the sidecar talk to no API answer worth JSON.
        if (!LOCAL_TOOLS.has(cmd.join(" "))) assert.match(help.stdout, /--json/, `${cmd.join(" ")} has --json`);
      }),
    );
  });
});
