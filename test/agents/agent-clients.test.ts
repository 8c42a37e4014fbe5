// The clients of the identity half as a user runs them: `arcan agents create|list|rotate|disable`
// (the built bin) and the SDK's `client.sts.exchange`, against a real server.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { ArcanClient, ArcanError } from "../../sdk/src/index";
import { ROOT, startServer, type TestServer } from "../helpers/server";
import { decodeJwt, makeIssuer, type TestIssuer } from "./identity";

const BIN = path.join(ROOT, (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: { arcan: string } }).bin.arcan);

describe("agent clients: CLI and SDK", () => {
  let server: TestServer;
  let env: Record<string, string>;
  let client: ArcanClient;
  let idp: TestIssuer;

  const arcan = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  before(async () => {
    await promisify(execFile)("npm", ["run", "sdk:build"], { cwd: ROOT });
    server = await startServer({ store: "sqlite", env: { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" } });
    env = { ARCAN_ADDR: server.url, ARCAN_TOKEN: server.adminToken, ARCAN_CACERT: path.join(server.dataDir, "tls.crt") };
    client = new ArcanClient({ url: server.url, token: server.adminToken, caCert: readFileSync(env.ARCAN_CACERT!, "utf8") });
    idp = await makeIssuer("https://idp.clients.test", "RS256");
    const r = await server.request("POST", "/api/v1/trusted-issuers", { body: { name: "idp", kind: "user", issuer: idp.iss, jwks: idp.jwks } });
    assert.equal(r.status, 201, r.text);
  });
  after(() => server?.cleanup());

  it("registers, lists, rotates and disables agents with `arcan agents`, and the SDK exchanges the credential", async () => {
    const created = await arcan(["agents", "create", "--name", "pk-93f", "--tier", "2", "--scopes", "jira.read:project/FIN-*,confluence.write:space/FIN-OPS"]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /shown only once/);
    const credential = /^credential:\s+(agt_\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(credential, created.stdout);
    const id = /^id:\s+(agn_\S+)$/m.exec(created.stdout)?.[1] ?? assert.fail(created.stdout);

    const listed = await arcan(["agents", "list", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const agents = JSON.parse(listed.stdout) as { id: string; name: string; trust_tier: number; disabled: boolean }[];
    assert.deepEqual(agents.map((a) => [a.id, a.name, a.trust_tier, a.disabled]), [[id, "pk-93f", 2, false]]);
    assert.ok(!listed.stdout.includes(credential!));

    const exchange = (actorToken: string, scope: string | string[] = ["jira.read:project/FIN-OPS", "github.read:repo/x"]) =>
      idp.sign({ sub: "u.olsen@acme", roles: ["finance"] }).then((subjectToken) => client.sts.exchange({ subjectToken, actorToken, scope, task: "reconcile-invoices-q3" }));
    const issued = await exchange(credential!);
    assert.equal(issued.scope, "jira.read:project/FIN-OPS");
    assert.equal(issued.expires_in, 900);
    assert.equal(decodeJwt(issued.access_token).payload.sub, `composite/u.olsen@acme|${id}|-`);
    const noScope = await exchange(credential!, "github.read:repo/x").catch((e: unknown) => e);
    assert.ok(noScope instanceof ArcanError);
    assert.deepEqual([noScope.status, noScope.code], [400, "invalid_scope"]);

    const rotated = await arcan(["agents", "rotate", id]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = /^credential:\s+(agt_\S+)$/m.exec(rotated.stdout)?.[1];
    assert.ok(fresh && fresh !== credential);
    assert.equal(((await exchange(credential!).catch((e: unknown) => e)) as ArcanError).code, "invalid_request", "the old credential no longer exchanges");
    assert.equal((await exchange(fresh)).scope, "jira.read:project/FIN-OPS");

    const disabled = await arcan(["agents", "disable", id]);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /Disabled agent/);
    assert.equal(((await exchange(fresh).catch((e: unknown) => e)) as ArcanError).code, "invalid_request");
    assert.equal((await arcan(["agents", "create", "--name", "x", "--tier", "7"])).code, 2, "a bad tier is a usage error");
  });
});
