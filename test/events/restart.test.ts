// Deliveries survive a SIGKILL (the outbox and the delivery state are in the store), and
// the default retry schedule (1 s, then 5 s) holds against a real receiver.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, describe, it } from "node:test";
import { startServer, type TestServer } from "../helpers/server";
import { startReceiver, verifySignatures, type Receiver } from "./receiver";

/** A port nothing listens on yet (the receiver starts there later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe("webhook delivery across a crash (sqlite)", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it("delivers after a restart what it owed when it was killed with SIGKILL", async () => {
    const port = await freePort();
    const env = { ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true", ARCAN_WEBHOOKS_RETRY_SCHEDULE: "1,1,30" };
    let server: TestServer = await startServer({ store: "sqlite", env });
    cleanups.push(() => server.cleanup());
    const created = await server.request("POST", "/api/v1/webhooks", { body: { url: `http://127.0.0.1:${port}/hook`, events: ["secret.set"] } });
    assert.equal(created.status, 201);
    await server.request("POST", "/api/v1/realms", { body: { name: "app" } });
    const keys = ["A", "B", "C", "D", "E"];
    for (const k of keys) assert.equal((await server.request("PUT", `/api/v1/realms/app/secrets/${k}`, { body: { value: "x" } })).status, 200);
    // The receiver is down: some events are attempted and waiting for a retry, some not yet.
    await server.kill();

    const receiver: Receiver = await startReceiver(port);
    cleanups.push(() => receiver.close());
    server = await server.restart();
    const hits = await receiver.waitFor(keys.length, 20_000);
    const delivered = new Set(hits.map((h) => JSON.parse(h.body).data.key as string));
    assert.deepEqual([...delivered].sort(), keys);
    for (const h of hits) verifySignatures(created.body.secret, h);
    const deliveries = await server.request("GET", `/api/v1/webhooks/${created.body.id}/deliveries`);
    assert.equal(deliveries.body.items.length, keys.length, "one delivery per event, none lost, none doubled");
    for (const h of hits) assert.ok(deliveries.body.items.some((d: { id: string }) => d.id === h.headers["webhook-id"]));
  });

  it("retries after 1 s and then 5 s by default", async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    receiver.respond = () => (receiver.received.length < 2 ? 500 : 200);
    const server = await startServer({ store: "sqlite", env: { ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true" } });
    cleanups.push(() => server.cleanup());
    const created = await server.request("POST", "/api/v1/webhooks", { body: { url: receiver.url, events: ["realm.created"] } });
    assert.equal(created.status, 201);
    await server.request("POST", "/api/v1/realms", { body: { name: "timing" } });
    const hits = await receiver.waitFor(3, 12_000);
    const gaps = [hits[1]!.at - hits[0]!.at, hits[2]!.at - hits[1]!.at];
    assert.ok(gaps[0]! >= 990 && gaps[0]! < 1_500, `first retry after ${gaps[0]} ms`);
    assert.ok(gaps[1]! >= 4_990 && gaps[1]! < 5_600, `second retry after ${gaps[1]} ms`);
  });
});
