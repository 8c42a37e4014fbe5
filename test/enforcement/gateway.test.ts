// The gateway against a real local node:http upstream: an agent holding only an STS token
// calls /gateway/billing/… and the upstream sees the billing key, never the agent's token;
// deny, review and missing tokens never reach the upstream; hop-by-hop headers, cookies and
// Set-Cookie are stripped; timeouts are 504 and oversized bodies 413; each request is audited
// and counted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { allAudit, createRealm, createToken, putSecret, startCore } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";
import { assertGatewayProblem, gatewayCall, prepareBillingAgent, startUpstream, streamedCall, type Upstream } from "./gateway-fixture";

const KEY_1 = "billing-key-one-5b1e";
const KEY_2 = "billing-key-two-93ac";

for (const store of STORES) {
  describe(`gateway proxy (${store})`, () => {
    let s: TestServer;
    let up: Upstream;
    let token: string;
    const bearer = () => ({ Authorization: `Bearer ${token}` });

    before(async () => {
      up = await startUpstream();
      s = await startCore(store, { ARCAN_GATEWAY_ALLOW_PRIVATE_NETWORKS: "true" });
      await createRealm(s, "myapp");
      await putSecret(s, "myapp", "BILLING_API_KEY", KEY_1);
      const inject = { header: "Authorization", format: "Bearer {{value}}", secret: { realm: "myapp", key: "BILLING_API_KEY" } };
      const base = { action: "billing.{method}", resource: { type: "endpoint", id: "{path}" }, inject };
      for (const body of [
        { name: "billing", upstream: up.url, ...base },
        { name: "slow", upstream: up.url, ...base, timeout_ms: 300 },
        { name: "small", upstream: up.url, ...base, max_body_bytes: 16 },
        { name: "gone", upstream: "http://127.0.0.1:9", ...base },
      ]) {
        const r = await s.request("POST", "/api/v1/gateway/routes", { body });
        assert.equal(r.status, 201, r.text);
      }
      token = await (await prepareBillingAgent(s, "invoice-reconciler")).exchange();
    });
    after(async () => {
      await s?.cleanup();
      await up?.close();
    });

    it("forwards an allowed call with the injected key; the upstream never sees the agent's token or cookies", async () => {
      const r = await gatewayCall(s, "GET", "/gateway/billing/invoices/42?month=2026-11", {
        headers: {
          ...bearer(),
          Cookie: "arcan_session=abc",
          Connection: "keep-alive, X-Agent-Hop",
          "X-Agent-Hop": "drop me",
          "Keep-Alive": "timeout=5",
          "Proxy-Authorization": "Basic cHJveHk6cHc=",
          TE: "trailers",
          "X-Trace": "t-1",
        },
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { url: "/invoices/42?month=2026-11", method: "GET", bytes: 0 });
      const seen = up.seen.at(-1)!;
      assert.equal(seen.headers.authorization, `Bearer ${KEY_1}`);
      assert.equal(seen.headers["x-trace"], "t-1", "end-to-end headers pass");
      for (const h of ["cookie", "x-agent-hop", "keep-alive", "proxy-authorization", "te"]) assert.equal(seen.headers[h], undefined, `${h} is stripped`);
      assert.ok(!JSON.stringify(seen.headers).includes(token), "the agent's token never reaches the upstream");
      assert.equal(seen.headers["x-request-id"], r.headers["x-request-id"]);
      assert.equal(r.headers["x-ratelimit-limit"], "1000000", "counted under the token's rate limit");
    });

    it("drops the upstream's Set-Cookie and hop-by-hop headers, and passes its status and other headers", async () => {
      const r = await gatewayCall(s, "GET", "/gateway/billing/cookie", { headers: bearer() });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers["set-cookie"], undefined);
      assert.equal(r.headers["x-upstream-hop"], undefined);
      assert.equal(r.headers["x-billing"], "ok");
      const missing = await gatewayCall(s, "GET", "/gateway/billing/missing/1", { headers: bearer() });
      assert.equal(missing.status, 404, "the upstream's own status is passed through");
    });

    it("streams request bodies, Content-Length or chunked", async () => {
      const payload = JSON.stringify({ invoice: 42, lines: Array.from({ length: 200 }, (_, i) => ({ i, amount: i * 3 })) });
      const r = await gatewayCall(s, "POST", "/gateway/billing/invoices", { headers: { ...bearer(), "Content-Type": "application/json" }, body: payload });
      assert.equal(r.status, 200, r.text);
      assert.equal(up.seen.at(-1)!.body, payload);
      const chunked = await gatewayCall(s, "POST", "/gateway/billing/invoices", { headers: bearer(), chunks: ["part-1;", "part-2;", "part-3"] });
      assert.equal(chunked.status, 200, chunked.text);
      assert.equal(up.seen.at(-1)!.body, "part-1;part-2;part-3");
    });

    it("streams the answer as it comes (server-sent events pass through)", async () => {
      const r = await streamedCall(s, "/gateway/billing/events", bearer());
      assert.equal(r.status, 200);
      const text = r.chunks.map((c) => c.text).join("");
      assert.equal(text, "data: first\n\ndata: second\n\n");
      const first = r.chunks.find((c) => c.text.includes("first"))!;
      const last = r.chunks.at(-1)!;
      assert.ok(last.at - first.at >= 400, `the first event arrived before the upstream finished (${first.at} ms vs ${last.at} ms)`);
    });

    it("answers 401 with WWW-Authenticate for no token, a bad token or an API token, and never contacts the upstream", async () => {
      const before = up.seen.length;
      const none = await gatewayCall(s, "GET", "/gateway/billing/invoices/1");
      assertGatewayProblem(none, 401, "unauthenticated");
      assert.match(String(none.headers["www-authenticate"]), /^Bearer realm="arcan"/);
      const bad = await gatewayCall(s, "GET", "/gateway/billing/invoices/1", { headers: { Authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
      assertGatewayProblem(bad, 401, "token_invalid");
      assert.match(String(bad.headers["www-authenticate"]), /error="invalid_token"/);
      const apiToken = await gatewayCall(s, "GET", "/gateway/billing/invoices/1", { headers: { Authorization: `Bearer ${s.adminToken}` } });
      assertGatewayProblem(apiToken, 401, "token_invalid");
      assert.equal(up.seen.length, before);
    });

    it("denies with 403 decision_id and policy_id, and the upstream is never contacted", async () => {
      const before = up.seen.length;
      const r = await gatewayCall(s, "DELETE", "/gateway/billing/invoices/42", { headers: bearer() });
      assertGatewayProblem(r, 403, "access_denied");
      assert.match(r.body.decision_id, /^dec_/);
      assert.equal(r.body.policy_id, "billing.delete.forbid");
      const why = await s.request("GET", `/api/v1/decisions/${r.body.decision_id}`);
      assert.equal(why.status, 200, why.text);
      assert.deepEqual([why.body.action, why.body.resource.type, why.body.resource.id], ["billing.delete", "endpoint", "invoices/42"]);
      const patch = await gatewayCall(s, "PATCH", "/gateway/billing/invoices/42", { headers: bearer(), body: "{}" });
      assertGatewayProblem(patch, 403, "access_denied");
      assert.ok(patch.body.reasons.includes("outside_task_scope"), patch.text);
      assert.equal(up.seen.length, before);
    });

    it("answers review with 403 review_required; after approval the same request passes", async () => {
      const before = up.seen.length;
      const first = await gatewayCall(s, "PUT", "/gateway/billing/refunds/7", { headers: bearer(), body: '{"amount":10}' });
      assertGatewayProblem(first, 403, "review_required");
      assert.match(first.body.review_id, /^rev_/);
      assert.equal(up.seen.length, before);
      const reviewer = await createToken(s, { capabilities: ["reviews:decide"] });
      const approved = await s.request("POST", `/api/v1/reviews/${first.body.review_id}/approve`, { token: reviewer.token, body: { note: "refund checked" } });
      assert.equal(approved.status, 200, approved.text);
      const again = await gatewayCall(s, "PUT", "/gateway/billing/refunds/7", { headers: bearer(), body: '{"amount":10}' });
      assert.equal(again.status, 200, again.text);
      assert.equal(up.seen.at(-1)!.body, '{"amount":10}');
      const other = await gatewayCall(s, "PUT", "/gateway/billing/refunds/8", { headers: bearer(), body: "{}" });
      assertGatewayProblem(other, 403, "review_required");
    });

    it("gives 504 when the upstream is too slow, 413 when the body is over the route's limit, 502 when it is down", async () => {
      const slow = await gatewayCall(s, "GET", "/gateway/slow/slow", { headers: bearer() });
      assertGatewayProblem(slow, 504, "upstream_timeout");
      const before = up.seen.length;
      const big = await gatewayCall(s, "POST", "/gateway/small/invoices", { headers: bearer(), body: "x".repeat(100) });
      assertGatewayProblem(big, 413, "body_too_large");
      assert.equal(up.seen.length, before, "a declared oversized body never reaches the upstream");
      const chunked = await gatewayCall(s, "POST", "/gateway/small/invoices", { headers: bearer(), chunks: ["x".repeat(10), "x".repeat(10)] });
      assertGatewayProblem(chunked, 413, "body_too_large");
      const fits = await gatewayCall(s, "POST", "/gateway/small/invoices", { headers: bearer(), body: "x".repeat(16) });
      assert.equal(fits.status, 200, fits.text);
      const gone = await gatewayCall(s, "GET", "/gateway/gone/invoices/1", { headers: bearer() });
      assertGatewayProblem(gone, 502, "upstream_unreachable");
      assert.doesNotMatch(gone.text, /ECONNREFUSED|127\.0\.0\.1/);
    });

    it("uses a new secret version at once", async () => {
      await putSecret(s, "myapp", "BILLING_API_KEY", KEY_2);
      const r = await gatewayCall(s, "GET", "/gateway/billing/invoices/43", { headers: bearer() });
      assert.equal(r.status, 200, r.text);
      assert.equal(up.seen.at(-1)!.headers.authorization, `Bearer ${KEY_2}`);
    });

    it("refuses protocol upgrades with 501, unknown routes with 404 and dot segments with 400", async () => {
      const before = up.seen.length;
      const ws = await gatewayCall(s, "GET", "/gateway/billing/stream", { headers: { ...bearer(), Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" } });
      assertGatewayProblem(ws, 501, "upgrade_not_supported");
      assertGatewayProblem(await gatewayCall(s, "GET", "/gateway/nope/x", { headers: bearer() }), 404, "gateway_route_not_found");
      assertGatewayProblem(await gatewayCall(s, "GET", "/gateway/billing/a/../admin", { headers: bearer() }), 400, "invalid_path");
      assertGatewayProblem(await gatewayCall(s, "GET", "/gateway/billing/a/%2E%2E/admin", { headers: bearer() }), 400, "invalid_path");
      assert.equal(up.seen.length, before);
    });

    it("audits every decided request with decision id, upstream status and latency; counts them; never logs the key", async () => {
      const records = await allAudit(s, "action=gateway.proxy");
      assert.ok(records.length >= 10, `records: ${records.length}`);
      const allowed = records.find((a) => a.details.path === "invoices/42" && a.details.method === "GET")!;
      assert.ok(allowed, "the first call is audited");
      assert.equal(allowed.details.decision, "allow");
      assert.match(String(allowed.details.decision_id), /^dec_/);
      assert.equal(allowed.details.upstream_status, 200);
      assert.equal(typeof allowed.details.latency_ms, "number");
      assert.equal(allowed.details.credential_source, "secret:myapp/BILLING_API_KEY");
      const denied = records.find((a) => a.details.method === "DELETE")!;
      assert.deepEqual([denied.outcome, denied.status, denied.details.upstream_status], ["denied", 403, null]);
      const list = await s.request("GET", "/api/v1/gateway/requests?route=billing&limit=5");
      assert.equal(list.status, 200, list.text);
      assert.ok(list.body.items.length > 0 && list.body.items.every((i: { route: string }) => i.route === "billing"));
      const metrics = await s.request("GET", "/metrics", { token: null });
      assert.match(metrics.text, /arcan_gateway_requests_total\{route="billing",decision="allow",upstream_status="200"\} \d+/);
      assert.match(metrics.text, /arcan_gateway_request_duration_seconds_count\{route="billing",decision="deny"\} \d+/);
      const logs = s.stdout() + s.stderr();
      for (const secret of [KEY_1, KEY_2]) assert.ok(!logs.includes(secret), "the key is never logged");
      assert.ok(!JSON.stringify(records).includes(KEY_1) && !JSON.stringify(records).includes(KEY_2), "nor audited");
    });
  });
}
