// arcanMiddleware in a plain node:http server in front of a real Arcan, and withMandate for
// batch workers. No token (401 + WWW-Authenticate) and failing closed run on any server; the
// allow/review/deny mapping and the mandate need the STS and /api/v1/authorize (issue 11)
// and skip only while those answer 404 route_not_found.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ArcanClient, arcanMiddleware, withMandate } from "../../sdk/src/index";
import { startServer, type TestServer } from "../helpers/server";
import { missingDecisionRoutes, NOTES_SCOPES, prepareNotesAgent } from "./sts-fixture";

describe("arcanMiddleware (node:http) and withMandate", () => {
  let arcan: TestServer;
  let app: Server;
  let appUrl: string;
  let client: ArcanClient;
  let reached = 0;
  let skipReason: string | null;

  const call = async (method: string, p: string, token?: string) => {
    const res = await fetch(`${appUrl}${p}`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    arcan = await startServer({ store: "sqlite", env: { ARCAN_RATE_LIMIT_PER_IP: "1000000", ARCAN_RATE_LIMIT_PER_TOKEN: "1000000" } });
    client = new ArcanClient({ url: arcan.url, token: arcan.adminToken, caCert: readFileSync(path.join(arcan.dataDir, "tls.crt"), "utf8") });
    const guard = arcanMiddleware({
      client,
      action: (req) => ({ GET: "notes.read", POST: "notes.share", DELETE: "notes.delete" })[req.method ?? "GET"] ?? "notes.other",
      resource: (req) => ({ type: "note", id: (req.url ?? "/").split("?")[0]!.replace(/^\/notes\//, "") }),
    });
    app = createServer((req, res) => {
      void guard(req, res, () => {
        reached += 1;
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
    skipReason = await missingDecisionRoutes(arcan);
  });
  after(async () => {
    await new Promise<void>((r) => app.close(() => r()));
    await arcan?.cleanup();
  });

  it("answers a request without a bearer token with 401 problem+json and WWW-Authenticate, the handler untouched", async () => {
    const before = reached;
    const res = await call("GET", "/notes/n1");
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer realm="arcan"/);
    assert.equal(res.body.code, "unauthenticated");
    assert.match(String(res.body.request_id), /^req_/);
    assert.equal(reached, before);
  });

  it("fails closed when Arcan cannot decide: the handler never runs", async () => {
    const before = reached;
    const res = await call("GET", "/notes/n1", "not-a-real-token");
    if (skipReason) {
      // No decision service yet: Arcan answers 404, which is a refusal to decide.
      assert.equal(res.status, 502);
      assert.equal(res.body.code, "decision_failed");
    } else {
      assert.equal(res.status, 401, "a token that is no STS token is token_invalid");
      assert.match(res.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    }
    assert.equal(reached, before);

    const offline = arcanMiddleware({ client: new ArcanClient({ url: "https://127.0.0.1:1" }), action: "notes.read", resource: "note/n1" });
    const server = createServer((req, res) => void offline(req, res, () => res.end("reached")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const res2 = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, { headers: { Authorization: "Bearer x" } });
    assert.equal(res2.status, 503);
    assert.equal(((await res2.json()) as { code: string }).code, "decision_unavailable");
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("maps allow to next(), deny to 403 with decision_id and policy_id, review to 403 review_required with review_id", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const { exchange } = await prepareNotesAgent(arcan, "notes-http");
    const token = await exchange();
    const before = reached;
    assert.equal((await call("GET", "/notes/n1", token)).status, 200);
    assert.equal(reached, before + 1);

    const denied = await call("DELETE", "/notes/n1", token);
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get("content-type"), "application/problem+json");
    assert.match(String(denied.body.decision_id), /^dec_/);
    assert.ok("policy_id" in denied.body);

    const review = await call("POST", "/notes/n1", token);
    assert.equal(review.status, 403);
    assert.equal(review.body.code, "review_required");
    assert.match(String(review.body.review_id), /^rev_/);
    assert.equal(reached, before + 1, "only the allowed request reached the handler");
  });

  it("withMandate exchanges a task-bound token, runs the job with it, and revokes it after", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const agent = await arcan.request("POST", "/api/v1/agents", { body: { name: "batch-worker", trust_tier: 1, allowed_scopes: NOTES_SCOPES } });
    assert.equal(agent.status, 201, agent.text);
    let used = "";
    const result = await withMandate("nightly notes export", ["notes.read:note/*"], async (m) => {
      used = m.token;
      assert.deepEqual(m.scopes, ["notes.read:note/*"]);
      assert.ok(m.jti);
      return (await call("GET", "/notes/n9", m.token)).status;
    }, { client, subjectToken: arcan.adminToken, actorToken: agent.body.credential as string });
    assert.equal(result, 200, "the job's request was allowed");
    const after = await client.core.send<{ decision: string; reasons: string[] }>("POST", "/api/v1/authorize", { token: used, action: "notes.read", resource: { type: "note", id: "n9" }, context: {} });
    assert.equal(after.decision, "deny");
    assert.ok(after.reasons.includes("token_invalid"), "the mandate was revoked");
  });
});
