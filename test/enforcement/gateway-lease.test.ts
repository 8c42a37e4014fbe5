// A gateway route that injects a lease of the built-in postgres engine (the local
// PostgreSQL, trust auth): the gateway takes one lease and holds it across requests, renews
// it once two thirds of its TTL has passed, and revokes it when the route is deleted.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { createRealm, startCore } from "../helpers/core";
import type { TestServer } from "../helpers/server";
import { gatewayCall, prepareBillingAgent, startUpstream, type Upstream } from "./gateway-fixture";

interface LeaseRow {
  lease_id: string;
  issued_at: string;
  state: string;
  renewed_at: string | null;
}

describe("gateway route injecting a lease (postgres engine)", () => {
  let s: TestServer;
  let up: Upstream;
  let token: string;

  before(async () => {
    up = await startUpstream();
    s = await startCore("sqlite", { ARCAN_GATEWAY_ALLOW_PRIVATE_NETWORKS: "true" });
    await createRealm(s, "myapp");
    const mount = await s.request("POST", "/api/v1/realms/myapp/engines", {
      body: { name: "pg", type: "postgres", config: { connection_url: "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres", username: "postgres", password: "trust-auth-any-password", max_open_connections: 4 } },
    });
    assert.equal(mount.status, 201, mount.text);
    const role = await s.request("POST", "/api/v1/realms/myapp/engines/pg/roles", {
      body: { name: "readonly", creation_statements: ["CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'"], revocation_statements: [], default_ttl: "9s", max_ttl: "1h" },
    });
    assert.equal(role.status, 201, role.text);
    const route = await s.request("POST", "/api/v1/gateway/routes", {
      body: { name: "reports", upstream: up.url, action: "billing.{method}", resource: { type: "endpoint", id: "{path}" }, inject: { header: "X-Db-Password", lease: { realm: "myapp", engine: "pg", role: "readonly" } } },
    });
    assert.equal(route.status, 201, route.text);
    assert.equal(route.body.credential_source, "lease:myapp/pg/readonly#password");
    token = await (await prepareBillingAgent(s, "report-runner")).exchange();
  });
  after(async () => {
    await s?.cleanup();
    await up?.close();
  });

  const leases = async (): Promise<LeaseRow[]> => {
    const r = await s.request("GET", "/api/v1/realms/myapp/leases");
    assert.equal(r.status, 200, r.text);
    return r.body.items as LeaseRow[];
  };

  it("holds one lease across requests, renews it at two thirds of its TTL, and revokes it when the route goes", async () => {
    const call = () => gatewayCall(s, "GET", "/gateway/reports/monthly", { headers: { Authorization: `Bearer ${token}` } });
    assert.equal((await call()).status, 200);
    const password = up.seen.at(-1)!.headers["x-db-password"];
    assert.ok(typeof password === "string" && password.length >= 16, "a leased password is injected");
    assert.equal((await call()).status, 200);
    assert.equal(up.seen.at(-1)!.headers["x-db-password"], password, "the same lease serves the next request");
    const held = (await leases()).filter((l) => l.state === "active");
    assert.equal(held.length, 1, JSON.stringify(held));

    // Past two thirds of the 9 s TTL, well before its end.
    await sleep(Math.max(0, Date.parse(held[0]!.issued_at) + 6_500 - Date.now()));
    assert.equal((await call()).status, 200);
    let renewed: LeaseRow | undefined;
    for (let i = 0; i < 40 && !renewed?.renewed_at; i++) {
      await sleep(100);
      renewed = (await leases()).find((l) => l.lease_id === held[0]!.lease_id);
    }
    assert.ok(renewed?.renewed_at, `renewed in the background after two thirds of 9 s: ${JSON.stringify(renewed)} ${s.stderr().slice(-2000)}`);
    assert.equal(up.seen.at(-1)!.headers["x-db-password"], password);

    assert.equal((await s.request("DELETE", "/api/v1/gateway/routes/reports")).status, 204);
    const after = (await leases()).find((l) => l.lease_id === held[0]!.lease_id);
    assert.equal(after?.state, "revoked");
  });
});
