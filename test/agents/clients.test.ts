// The SDK's authorize/policies/reviews/decisions and the CLI's policy, review and authorize
// commands against a real server (the CLI as the built bin, spawned like a user runs it).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { ArcanClient, ArcanError } from "../../sdk/src/index";
import { createToken, startCore } from "../helpers/core";
import { ROOT, type TestServer } from "../helpers/server";
import { composite, SEED_POLICY } from "./helpers";

const BIN = path.join(ROOT, "cli/dist/arcan.js");

describe("agent authorization clients (SDK and CLI)", () => {
  let s: TestServer;
  let admin: ArcanClient;
  let env: Record<string, string>;
  let tmp: string;

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
    s = await startCore("sqlite");
    const caCert = readFileSync(path.join(s.dataDir, "tls.crt"), "utf8");
    admin = new ArcanClient({ url: s.url, token: s.adminToken, caCert });
    env = { ARCAN_ADDR: s.url, ARCAN_TOKEN: s.adminToken, ARCAN_CACERT: path.join(s.dataDir, "tls.crt") };
    tmp = mkdtempSync(path.join(tmpdir(), "arcan-policy-"));
  });
  after(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await s?.cleanup();
  });

  it("SDK: creates, validates and activates a version; authorize, reviews, decisions", async () => {
    const v = await admin.policies.create({ source: SEED_POLICY, description: "sdk" });
    assert.deepEqual(await admin.policies.validate(v.id), { valid: true, errors: [] });
    assert.equal((await admin.policies.activate(v.id)).state, "enforced");
    assert.equal((await admin.policies.list()).items[0]!.id, v.id);

    const allow = await admin.authorize({ principal: composite(), action: "jira.read", resource: { type: "project", id: "FIN-OPS" } });
    assert.deepEqual([allow.decision, allow.policy_id, allow.policy_version], ["allow", "jira_finance.allow", v.version]);
    const denied = await admin.authorize({ token: "garbage", action: "jira.read", resource: { type: "project", id: "FIN-OPS" } });
    assert.deepEqual(denied.reasons, ["token_invalid"], "a deny is an answer, not an exception");
    assert.equal((await admin.decisions.get(allow.decision_id)).policy_id, "jira_finance.allow");
    assert.equal((await admin.decisions.replay(allow.decision_id)).changed, false);

    const review = await admin.authorize({ principal: composite({ user: "u.sdk" }), action: "jira.escalate", resource: { type: "issue", id: "FIN-9" } });
    assert.equal(review.decision, "review");
    assert.ok((await admin.reviews.list({ state: "pending" })).items.some((r) => r.id === review.review_id));
    const approved = await admin.reviews.approve(review.review_id!, { note: "ok", ttl: "5m" });
    assert.equal(approved.state, "approved");
    await assert.rejects(admin.reviews.deny(review.review_id!), (err: unknown) => err instanceof ArcanError && err.status === 409 && err.code === "review_not_pending");
    const sim = await admin.policies.simulate(v.id, { limit: 100 });
    assert.equal(sim.changed, 0);
  });

  it("CLI: policy create|validate|activate|list|simulate, authorize, review list|approve|deny", async () => {
    const file = path.join(tmp, "seed.cedar");
    writeFileSync(file, SEED_POLICY);
    const created = await arcan(["policy", "create", "--file", file, "--description", "from the cli", "--json"]);
    assert.equal(created.code, 0, created.stderr);
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    const validated = await arcan(["policy", "validate", id]);
    assert.deepEqual([validated.code, validated.stdout.trim()], [0, "Valid."]);
    const activated = await arcan(["policy", "activate", id, "--mode", "enforce"]);
    assert.match(activated.stdout, /is now enforced/);
    assert.match((await arcan(["policy", "list"])).stdout, new RegExp(`${id}\\s+enforced`));

    const bad = path.join(tmp, "bad.cedar");
    writeFileSync(bad, '@id("typo")\npermit(principal, action, resource) when { principal.agent.trust_tier > "x" };');
    const badId = (JSON.parse((await arcan(["policy", "create", "-f", bad, "--json"])).stdout) as { id: string }).id;
    const invalid = await arcan(["policy", "validate", badId]);
    assert.equal(invalid.code, 1, "an invalid version exits 1");
    assert.match(invalid.stdout, /^typo: /m);

    const principal = JSON.stringify(composite({ user: "u.cli" }));
    const allow = await arcan(["authorize", "--action", "jira.read", "--resource", "project/FIN-OPS", "--principal", principal]);
    assert.equal(allow.code, 0, allow.stderr);
    assert.match(allow.stdout, /^decision:\s+allow$/m);
    assert.match(allow.stdout, /^rule:\s+jira_finance\.allow$/m);
    const token = await arcan(["authorize", "--action", "jira.read", "--resource", "project/FIN-OPS", "--sts-token", "garbage", "--json"]);
    assert.deepEqual((JSON.parse(token.stdout) as { reasons: string[] }).reasons, ["token_invalid"]);
    assert.equal((await arcan(["authorize", "--action", "jira.read", "--resource", "FIN-OPS", "--principal", principal])).code, 2, "a resource without a type is bad usage");

    const escalate = await arcan(["authorize", "--action", "jira.escalate", "--resource", "issue/FIN-3", "--principal", principal, "--json"]);
    const reviewId = (JSON.parse(escalate.stdout) as { review_id: string }).review_id;
    assert.match((await arcan(["review", "list", "--state", "pending"])).stdout, new RegExp(`${reviewId}\\s+pending\\s+u\\.cli`));
    const reviewer = await createToken(s, { capabilities: ["reviews:decide"] });
    const approve = await arcan(["review", "approve", reviewId, "--note", "fine", "--ttl", "10m", "--token", reviewer.token]);
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(approve.stdout, /^Approved rev_/);
    const again = await arcan(["review", "deny", reviewId]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /review_not_pending/);

    const sim = await arcan(["policy", "simulate", badId]);
    assert.equal(sim.code, 0, sim.stderr);
    assert.match(sim.stdout, /^Replayed \d+ decision\(s\) against version \d+: \d+ would change\.$/m);
  });
});
