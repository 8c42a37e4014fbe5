// The "done when" as a user does it: the `arcan` CLI (the built bin) mounts a
// password-authenticated PostgreSQL, defines a role, leases credentials that log in, and
// the TS SDK's client.lease.create/renew/revoke work on the same mount.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { ArcanClient } from "../../sdk/src/index";
import { startPgCluster, type PgCluster } from "../helpers/pg-cluster";
import { canLogIn } from "../helpers/pg-login";
import { ROOT, startServer, type TestServer } from "../helpers/server";

const BIN = path.join(ROOT, "cli/dist/arcan.js");
const ROOT_PASSWORD = "cli-root-Pw-4f9a2c";
/** The leased user logs in and reads the app's table. */
const canLogInToApp = (url: string) => canLogIn(url, "SELECT count(*) FROM items");

describe("engines and leases from the CLI and the SDK", () => {
  let cluster: PgCluster;
  let server: TestServer;
  let env: Record<string, string>;
  const arcan = (args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  const json = async <T = Record<string, unknown>>(args: string[], stdin = ""): Promise<T> => {
    const r = await arcan([...args, "--json"], stdin);
    assert.equal(r.code, 0, `arcan ${args.join(" ")} → ${r.code}\n${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };

  before(async () => {
    await promisify(execFile)("npm", ["run", "sdk:build"], { cwd: ROOT });
    cluster = await startPgCluster();
    const su = await cluster.superuser();
    await su.query(`CREATE ROLE arcan_root LOGIN CREATEROLE PASSWORD '${ROOT_PASSWORD}'`);
    await su.query("CREATE DATABASE app OWNER arcan_root");
    await su.end();
    const root = new pg.Client({ connectionString: cluster.url("arcan_root", ROOT_PASSWORD, "app") });
    await root.connect();
    await root.query("CREATE TABLE items (id int)");
    await root.end();
    server = await startServer({ store: "sqlite", env: { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" } });
    env = { ARCAN_ADDR: server.url, ARCAN_TOKEN: server.adminToken, ARCAN_CACERT: path.join(server.dataDir, "tls.crt") };
    assert.equal((await arcan(["realm", "create", "myapp"])).code, 0);
  });
  after(async () => {
    await server?.cleanup();
    await cluster?.stop();
  });

  it("mounts, defines a role, leases credentials that log in, renews and revokes them (CLI)", async () => {
    const url = `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster.port}/app`;
    const mounted = await json<{ name: string; config: Record<string, unknown> }>(
      ["engine", "mount", "pg", "--realm", "myapp", "--connection-url", url, "--username", "arcan_root", "--password-stdin"],
      `${ROOT_PASSWORD}\n`,
    );
    assert.equal(mounted.name, "pg");
    assert.equal(mounted.config.password, undefined);
    const human = await arcan(["engine", "get", "pg", "--realm", "myapp"]);
    assert.match(human.stdout, /health:\s+ok/);
    assert.ok(!human.stdout.includes(ROOT_PASSWORD));
    await json([
      "engine", "role", "create", "pg", "readonly", "--realm", "myapp", "--max-ttl", "24h",
      "--creation-statement", `CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`,
      "--creation-statement", `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}"`,
    ]);
    assert.deepEqual((await json<{ name: string }[]>(["engine", "role", "list", "pg", "--realm", "myapp"])).map((r) => r.name), ["readonly"]);

    const printed = await arcan(["lease", "create", "--realm", "myapp", "pg", "readonly", "--ttl", "1h"]);
    assert.equal(printed.code, 0, printed.stderr);
    const username = /^username:\s+(\S+)$/m.exec(printed.stdout)?.[1];
    const password = /^password:\s+(\S+)$/m.exec(printed.stdout)?.[1];
    const leaseId = /^lease_id:\s+(lea_\S+)$/m.exec(printed.stdout)?.[1];
    assert.ok(username && password && leaseId, printed.stdout);
    assert.match(printed.stderr, /shown only this once/);
    assert.equal(await canLogInToApp(cluster.url(username, password, "app")), true);

    const listed = await json<{ lease_id: string; state: string }[]>(["lease", "list", "--realm", "myapp", "--state", "active"]);
    assert.deepEqual(listed.map((l) => l.lease_id), [leaseId]);
    const renewed = await json<{ warnings?: string[] }>(["lease", "renew", leaseId, "--realm", "myapp", "--increment", "48h"]);
    assert.equal(renewed.warnings?.length, 1, "capped at max_ttl");
    const revoked = await json<{ state: string }>(["lease", "revoke", leaseId, "--realm", "myapp"]);
    assert.equal(revoked.state, "revoked");
    assert.equal(await canLogInToApp(cluster.url(username, password, "app")), false);

    const bad = await arcan(["lease", "create", "--realm", "myapp", "pg", "nosuch"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /role_not_found/);
  });

  it("client.lease.create / renew / revoke (SDK), then revoke-prefix, rotate-root and delete (CLI)", async () => {
    const client = new ArcanClient({ url: server.url, token: server.adminToken, caCert: readFileSync(env.ARCAN_CACERT!, "utf8") });
    const creds = await client.lease.create("pg", "readonly", { ttl: "1h", realm: "myapp" });
    assert.match(creds.lease_id, /^lea_/);
    const login = cluster.url(String(creds.credentials.username), String(creds.credentials.password), "app");
    assert.equal(await canLogInToApp(login), true);
    const renewed = await client.lease.renew(creds.lease_id, { realm: "myapp", increment: "2h" });
    assert.ok(Date.parse(renewed.expires_at) > Date.parse(creds.expires_at));
    assert.equal((await client.lease.revoke(creds.lease_id, { realm: "myapp" })).state, "revoked");
    assert.equal(await canLogInToApp(login), false);

    const a = await client.lease.create("pg", "readonly", { realm: "myapp" });
    const prefix = await json<{ revoked: string[] }>(["lease", "revoke-prefix", "pg", "readonly", "--realm", "myapp"]);
    assert.deepEqual(prefix.revoked, [a.lease_id]);
    assert.equal((await arcan(["engine", "rotate-root", "pg", "--realm", "myapp"])).code, 0);
    assert.equal(await canLogInToApp(cluster.url("arcan_root", ROOT_PASSWORD, "app")), false, "the old root password stopped working");
    const b = await client.lease.create("pg", "readonly", { realm: "myapp" });
    const refused = await arcan(["engine", "delete", "pg", "--realm", "myapp"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /engine_has_active_leases/);
    assert.equal((await arcan(["engine", "delete", "pg", "--realm", "myapp", "--force"])).code, 0);
    assert.equal((await client.lease.get(b.lease_id, { realm: "myapp" })).state, "revoked");
    assert.deepEqual(await json(["engine", "list", "--realm", "myapp"]), []);
  });
});
