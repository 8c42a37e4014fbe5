// Webhook delivery against the real server and real HTTP receivers on 127.0.0.1:
// signatures (standardwebhooks), retries, dead letters, redelivery, pings, subscriptions,
// capabilities, and no event for a change that did not commit.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, STORES, type TestServer } from "../helpers/server";
import { startReceiver, verifySignatures, type Receiver, type Received } from "./receiver";

const FAST = { ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true", ARCAN_WEBHOOKS_RETRY_SCHEDULE: "0.2,0.4,0.6" };
const eventOf = (r: Received) => (JSON.parse(r.body) as { event: string }).event;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createEndpoint(server: TestServer, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const res = await server.request("POST", "/api/v1/webhooks", { body: { url, events } });
  assert.equal(res.status, 201, res.text);
  assert.match(res.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  return res.body;
}

// Delivery JSON as the REST API answers it (checked field by field in the tests).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, asserted on below
type Delivery = any;

/** Polls the delivery list until `done` holds (deliveries are recorded asynchronously). */
async function waitForDeliveries(server: TestServer, id: string, done: (items: Delivery[]) => boolean, timeoutMs = 10_000): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await server.request("GET", `/api/v1/webhooks/${id}/deliveries`);
    assert.equal(res.status, 200, res.text);
    if (done(res.body.items)) return res.body.items;
    if (Date.now() > deadline) assert.fail(`deliveries never reached the expected state: ${JSON.stringify(res.body.items)}`);
    await sleep(100);
  }
}

for (const store of STORES) {
  describe(`webhook delivery (${store})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    before(async () => {
      server = await startServer({ store, env: FAST });
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await server?.cleanup();
    });

    it("delivers a signed secret.set to a receiver that fails twice, on the third attempt", async () => {
      const seen = new Map<string, number>();
      receiver.respond = (r) => {
        const n = (seen.get(String(r.headers["webhook-id"])) ?? 0) + 1;
        seen.set(String(r.headers["webhook-id"]), n);
        return n <= 2 ? 500 : 204;
      };
      const endpoint = await createEndpoint(server, receiver.url, ["secret.*"]);
      assert.equal((await server.request("POST", "/api/v1/realms", { body: { name: "myapp" } })).status, 201);
      const put = await server.request("PUT", "/api/v1/realms/myapp/secrets/DATABASE_URL", { body: { value: "postgres://u:hunter2@db/app" } });
      assert.equal(put.status, 200, put.text);

      const hits = await receiver.waitFor(3, 10_000);
      assert.deepEqual(hits.map((h) => h.status), [500, 500, 204]);
      const ids = new Set(hits.map((h) => h.headers["webhook-id"]));
      assert.equal(ids.size, 1, "every attempt of one event carries the same webhook-id");
      for (const h of hits) verifySignatures(endpoint.secret, h);
      const body = JSON.parse(hits[2]!.body);
      assert.deepEqual(Object.keys(body), ["event", "timestamp", "request_id", "realm", "data"]);
      assert.equal(body.event, "secret.set");
      assert.equal(body.realm, "myapp");
      assert.equal(body.request_id, put.headers["x-request-id"]);
      assert.equal(body.data.key, "DATABASE_URL");
      assert.equal(body.data.version, 1);
      assert.ok(!hits.some((h) => h.body.includes("hunter2")), "the secret value never leaves in an event");
      assert.ok(!receiver.received.some((r) => eventOf(r) === "realm.created"), "realm.created is not subscribed");

      // Retry schedule 0.2 s then 0.4 s, measured at the receiver.
      const gap1 = hits[1]!.at - hits[0]!.at;
      const gap2 = hits[2]!.at - hits[1]!.at;
      assert.ok(gap1 >= 190 && gap1 < 700, `first retry after ${gap1} ms`);
      assert.ok(gap2 >= 390 && gap2 < 900, `second retry after ${gap2} ms`);

      const items = await waitForDeliveries(server, endpoint.id, (i) => i[0]?.state === "delivered");
      assert.equal(items.length, 1);
      assert.equal(items[0].id, hits[0]!.headers["webhook-id"]);
      assert.equal(items[0].attempts, 3);
      assert.deepEqual(items[0].attempt_log.map((a: { status_code: number }) => a.status_code), [500, 500, 204]);
      assert.ok(items[0].attempt_log[0].next_retry_at, "a failed attempt shows its next retry");
    });
  });
}

describe("webhook endpoints, dead letters and events (sqlite)", () => {
  let server: TestServer;
  let receiver: Receiver;
  before(async () => {
    server = await startServer({ store: "sqlite", env: FAST });
    receiver = await startReceiver();
    assert.equal((await server.request("POST", "/api/v1/realms", { body: { name: "shop" } })).status, 201);
  });
  after(async () => {
    await receiver?.close();
    await server?.cleanup();
  });

  it("dead-letters after the last retry with the error, and redelivers on request", async () => {
    let up = false;
    receiver.respond = () => (up ? 200 : 503);
    const endpoint = await createEndpoint(server, receiver.url, ["secret.deleted"]);
    await server.request("PUT", "/api/v1/realms/shop/secrets/K1", { body: { value: "v" } });
    assert.equal((await server.request("DELETE", "/api/v1/realms/shop/secrets/K1")).status, 204);
    const [dead] = await waitForDeliveries(server, endpoint.id, (i) => i[0]?.state === "dead");
    assert.equal(dead.attempts, 4, "first attempt plus three retries");
    assert.equal(dead.last_error, "HTTP 503");
    assert.equal(receiver.received.length, 4);

    up = true;
    const redo = await server.request("POST", `/api/v1/webhooks/${endpoint.id}/deliveries/${dead.id}/redeliver`);
    assert.equal(redo.status, 202, redo.text);
    const hits = await receiver.waitFor(5);
    assert.equal(hits[4]!.headers["webhook-id"], dead.id);
    assert.equal(hits[4]!.body, hits[0]!.body, "the same body is sent again");
    verifySignatures(endpoint.secret, hits[4]!);
    await waitForDeliveries(server, endpoint.id, (i) => i[0]?.state === "delivered");
  });

  it("sends a signed ping to one endpoint on test", async () => {
    const pings = await startReceiver();
    try {
      const endpoint = await createEndpoint(server, pings.url, ["lease.expiring"]);
      const res = await server.request("POST", `/api/v1/webhooks/${endpoint.id}/test`);
      assert.equal(res.status, 202, res.text);
      const [hit] = await pings.waitFor(1);
      assert.equal(eventOf(hit!), "ping");
      verifySignatures(endpoint.secret, hit!);
    } finally {
      await pings.close();
    }
  });

  it("emits exactly one event when concurrent writers race and only one commits", async () => {
    const sink = await startReceiver();
    try {
      await createEndpoint(server, sink.url, ["secret.set"]);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => server.request("PUT", "/api/v1/realms/shop/secrets/RACE", { body: { value: `v${i}`, cas: 0 } })),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(","));
      await sink.waitFor(1);
      await sleep(800);
      assert.equal(sink.received.filter((r) => JSON.parse(r.body).data.key === "RACE").length, 1);
    } finally {
      await sink.close();
    }
  });

  it("emits auth, policy and realm events without token values", async () => {
    const sink = await startReceiver();
    try {
      await createEndpoint(server, sink.url, ["auth.*", "policy.*", "realm.*"]);
      const token = await server.request("POST", "/api/v1/auth/tokens", { body: { name: "ci", capabilities: ["secrets:read"] } });
      assert.equal(token.status, 201);
      await server.request("POST", `/api/v1/auth/tokens/${token.body.id}/revoke`);
      await server.request("POST", "/api/v1/roles", { body: { name: "ops", capabilities: ["secrets:read"] } });
      const binding = await server.request("POST", "/api/v1/bindings", { body: { subject: `token:${token.body.id}`, role: "ops", realm: "shop" } });
      assert.equal(binding.status, 201, binding.text);
      await server.request("DELETE", `/api/v1/bindings/${binding.body.id}`);
      await server.request("DELETE", "/api/v1/roles/ops");
      await server.request("POST", "/api/v1/realms", { body: { name: "tmp" } });
      await server.request("DELETE", "/api/v1/realms/tmp");
      const expected = [
        "auth.token_created",
        "auth.token_revoked",
        "policy.role_created",
        "policy.binding_created",
        "policy.binding_deleted",
        "policy.role_deleted",
        "realm.created",
        "realm.deleted",
      ];
      const hits = await sink.waitFor(expected.length);
      assert.deepEqual(hits.map(eventOf).sort(), [...expected].sort());
      assert.ok(!hits.some((h) => h.body.includes(token.body.token)), "no token value in any event");
    } finally {
      await sink.close();
    }
  });

  it("checks capabilities and input", async () => {
    const mk = async (capabilities: string[]) => (await server.request("POST", "/api/v1/auth/tokens", { body: { name: "t", capabilities } })).body.token as string;
    const none = await mk(["secrets:read"]);
    const reader = await mk(["webhooks:read"]);
    assert.equal((await server.request("GET", "/api/v1/webhooks", { token: none })).status, 403);
    assert.equal((await server.request("GET", "/api/v1/webhooks", { token: reader })).status, 200);
    assert.equal((await server.request("POST", "/api/v1/webhooks", { token: reader, body: { url: receiver.url, events: ["*"] } })).status, 403);
    const bad = await server.request("POST", "/api/v1/webhooks", { body: { url: receiver.url, events: ["nope.*"] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, "events");
    assert.equal((await server.request("POST", "/api/v1/webhooks", { body: { url: "ftp://example.com/", events: ["*"] } })).status, 400);
    const list = await server.request("GET", "/api/v1/webhooks");
    assert.ok(list.body.items.length > 0);
    assert.ok(list.body.items.every((e: Record<string, unknown>) => !("secret" in e)), "the secret is shown only once");
    const id = list.body.items[0].id;
    const patched = await server.request("PATCH", `/api/v1/webhooks/${id}`, { body: { enabled: false, description: "off" } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.enabled, false);
    assert.equal((await server.request("DELETE", `/api/v1/webhooks/${id}`)).status, 204);
    assert.equal((await server.request("GET", `/api/v1/webhooks/${id}`)).status, 404);
  });
});
