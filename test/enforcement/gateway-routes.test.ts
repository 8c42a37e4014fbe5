// Gateway route management (/api/v1/gateway/routes, capability admin): validation names the
// field, duplicates are 409, reads never show a credential value, changes are audited; with
// [gateway] allow_private_networks off, loopback and private upstreams are refused (the
// webhook SSRF rules).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { allAudit, assertNamesField, assertProblem, createRealm, createToken, putSecret, startCore, uid } from "../helpers/core";
import type { TestServer } from "../helpers/server";

const VALID = {
  upstream: "https://billing.example.com:9443/v1",
  action: "billing.{method}",
  resource: { type: "endpoint", id: "{path}" },
  inject: { header: "Authorization", format: "Bearer {{value}}", secret: { realm: "myapp", key: "BILLING_API_KEY" } },
};

describe("gateway routes API", () => {
  let s: TestServer;
  before(async () => {
    s = await startCore("sqlite", { ARCAN_GATEWAY_ALLOW_PRIVATE_NETWORKS: "true" });
    await createRealm(s, "myapp");
    await putSecret(s, "myapp", "BILLING_API_KEY", "never-shown-4411");
  });
  after(() => s?.cleanup());

  it("creates, reads, lists, changes and deletes a route; the credential source is named, never its value", async () => {
    const created = await s.request("POST", "/api/v1/gateway/routes", { body: { name: "billing", ...VALID } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.credential_source, "secret:myapp/BILLING_API_KEY");
    assert.deepEqual([created.body.timeout_ms, created.body.max_body_bytes], [10_000, 1_048_576], "contract defaults");
    assert.equal(created.body.upstream, "https://billing.example.com:9443/v1");
    const got = await s.request("GET", "/api/v1/gateway/routes/billing");
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body.inject, VALID.inject);
    const list = await s.request("GET", "/api/v1/gateway/routes");
    assert.ok(list.body.items.some((r: { name: string }) => r.name === "billing"));
    assert.ok(!list.text.includes("never-shown-4411"));
    const patched = await s.request("PATCH", "/api/v1/gateway/routes/billing", { body: { timeout_ms: 2500, action: "invoices.{method}" } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.timeout_ms, patched.body.action, patched.body.upstream], [2500, "invoices.{method}", VALID.upstream]);
    assert.equal((await s.request("DELETE", "/api/v1/gateway/routes/billing")).status, 204);
    assertProblem(await s.request("GET", "/api/v1/gateway/routes/billing"), 404, "gateway_route_not_found");
    assertProblem(await s.request("DELETE", "/api/v1/gateway/routes/billing"), 404, "gateway_route_not_found");
    const actions = (await allAudit(s)).filter((a) => a.resource === "gateway_route:billing").map((a) => a.action);
    for (const action of ["gateway_route.create", "gateway_route.update", "gateway_route.delete"]) assert.ok(actions.includes(action), `${action} audited: ${actions.join(",")}`);
  });

  it("answers 409 for a duplicate name", async () => {
    const name = `dup-${uid()}`;
    assert.equal((await s.request("POST", "/api/v1/gateway/routes", { body: { name, ...VALID } })).status, 201);
    assertProblem(await s.request("POST", "/api/v1/gateway/routes", { body: { name, ...VALID } }), 409, "gateway_route_exists");
  });

  it("names the field of every invalid route with a 400 problem", async () => {
    const post = (body: Record<string, unknown>) => s.request("POST", "/api/v1/gateway/routes", { body: { name: `r-${uid()}`, ...VALID, ...body } });
    const { upstream: _u, ...noUpstream } = VALID;
    assertNamesField(await s.request("POST", "/api/v1/gateway/routes", { body: { name: `r-${uid()}`, ...noUpstream } }), "upstream");
    assertNamesField(await post({ name: "Bad Name" }), "name");
    assertNamesField(await post({ upstream: "ftp://billing.example.com" }), "upstream");
    assertNamesField(await post({ upstream: "https://billing.example.com/?x=1" }), "upstream");
    assertNamesField(await post({ action: "billing {method}" }), "action");
    assertNamesField(await post({ action: "billing.{verb}" }), "action");
    assertNamesField(await post({ resource: { type: "endpoint" } }), "resource.id");
    assertNamesField(await post({ inject: { header: "Authorization", format: "Bearer", secret: VALID.inject.secret } }), "inject.format");
    assertNamesField(await post({ inject: { header: "Host", secret: VALID.inject.secret } }), "inject.header");
    assertNamesField(await post({ inject: { header: "X-Key" } }), "inject.secret");
    assertNamesField(await post({ inject: { header: "X-Key", secret: VALID.inject.secret, lease: { realm: "myapp", engine: "pg", role: "ro" } } }), "inject.secret");
    assertNamesField(await post({ timeout_ms: 0 }), "timeout_ms");
    assertNamesField(await post({ max_body_bytes: -1 }), "max_body_bytes");
    assertNamesField(await post({ extra: true }), "extra");
    assertNamesField(await s.request("PATCH", "/api/v1/gateway/routes/none", { body: { timeout_ms: "fast" } }), "timeout_ms");
  });

  it("needs the admin capability", async () => {
    const reader = await createToken(s, { capabilities: ["secrets:read", "decisions:evaluate"] });
    assertProblem(await s.request("GET", "/api/v1/gateway/routes", { token: reader.token }), 403, "missing_capability");
    assertProblem(await s.request("POST", "/api/v1/gateway/routes", { token: reader.token, body: { name: `r-${uid()}`, ...VALID } }), 403, "missing_capability");
    assertProblem(await s.request("GET", "/api/v1/gateway/requests", { token: reader.token }), 403, "missing_capability");
  });
});

describe("gateway routes with allow_private_networks = false (SSRF rules)", () => {
  let s: TestServer;
  before(async () => {
    s = await startCore("sqlite");
  });
  after(() => s?.cleanup());

  it("refuses loopback, private, metadata and plain-http upstreams, and names [gateway] allow_private_networks", async () => {
    for (const upstream of ["https://127.0.0.1:9443", "https://10.1.2.3", "https://169.254.169.254/latest", "https://[::1]:8443", "http://billing.example.com", "https://localhost:9443"]) {
      const r = await s.request("POST", "/api/v1/gateway/routes", { body: { name: `r-${uid()}`, ...VALID, upstream } });
      assertNamesField(r, "upstream");
      assert.equal(r.body.code, "upstream_refused", `${upstream}: ${r.text}`);
    }
    const r = await s.request("POST", "/api/v1/gateway/routes", { body: { name: `r-${uid()}`, ...VALID, upstream: "https://10.0.0.8" } });
    assert.match(r.body.detail, /\[gateway\] allow_private_networks/);
    const ok = await s.request("POST", "/api/v1/gateway/routes", { body: { name: `r-${uid()}`, ...VALID } });
    assert.equal(ok.status, 201, ok.text);
  });
});
