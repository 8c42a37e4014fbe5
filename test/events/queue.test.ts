// The delivery queue's batched statements against real SQLite and PostgreSQL stores, and
// the in-process dispatcher against real HTTP receivers: fan-out, claiming within the
// per-endpoint cap, recording retries and dead letters, and a slow receiver that must
// not hold up another endpoint's deliveries.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { LocalKeyFileKms } from "../../server/crypto/kms";
import { Outbox } from "../../server/events/outbox";
import { newId } from "../../server/ids";
import { openStore, type Store } from "../../server/store/client";
import { signingKeyContext, WebhookDispatcher } from "../../server/webhooks/dispatcher";
import { PostgresDeliveryQueue } from "../../server/webhooks/pg-queue";
import { deliveryId, type AttemptOutcome, type ClaimedDelivery, type DeliveryQueue } from "../../server/webhooks/queue";
import { generateSigningKey } from "../../server/webhooks/signing";
import { SqliteDeliveryQueue } from "../../server/webhooks/sqlite-queue";
import { createDatabase, dropDatabase, STORES } from "../helpers/server";
import { startReceiver, verifySignatures } from "./receiver";

const SOURCE = { requestId: "req_test", principal: { subject: "tester" } };
const NO_LIMIT = { total: 1_000, perEndpoint: 1_000, inFlight: new Map<string, number>() };

interface Fixture {
  store: Store;
  queue: DeliveryQueue;
  outbox: Outbox;
  dataDir: string;
  cleanup(): Promise<void>;
}

async function open(kind: "sqlite" | "postgres"): Promise<Fixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-queue-test-"));
  const databaseUrl = kind === "postgres" ? await createDatabase() : undefined;
  const store = await openStore({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  const queue = kind === "postgres" ? new PostgresDeliveryQueue(store.db) : new SqliteDeliveryQueue(path.join(dataDir, "arcan.db"));
  return {
    store,
    queue,
    outbox: new Outbox(store.db),
    dataDir,
    async cleanup() {
      queue.close();
      await store.close();
      if (databaseUrl) await dropDatabase(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function addEndpoint(store: Store, events: string[], url = "http://127.0.0.1:9/hook"): Promise<string> {
  const id = newId("whk");
  await store.db.webhookEndpoint.create({ data: { id, url, events: JSON.stringify(events), secretWrapped: "unused", kekId: "k", createdBy: "test" } });
  return id;
}

const outcome = (delivery: ClaimedDelivery, ok: boolean, startedAt = new Date()): AttemptOutcome => ({
  delivery,
  startedAt,
  statusCode: ok ? 200 : 500,
  latencyMs: 7,
  error: ok ? null : "HTTP 500",
  ok,
});

for (const kind of STORES) {
  describe(`delivery queue (${kind})`, () => {
    let f: Fixture;
    before(async () => {
      f = await open(kind);
    });
    after(() => f?.cleanup());

    it("fans a batch out to every matching endpoint in one commit, claiming within the per-endpoint cap", async () => {
      const a = await addEndpoint(f.store, ["secret.*"]);
      const b = await addEndpoint(f.store, ["secret.deleted"]);
      await f.outbox.emit(SOURCE, [
        ...Array.from({ length: 5 }, (_, i) => ({ type: "secret.set" as const, realm: "r", data: { key: `K${i}` } })),
        { type: "secret.deleted", realm: "r", data: { key: "K0" } },
        { type: "realm.created", realm: "r", data: {} },
      ]);
      const fresh = await f.queue.fanOut(500, { total: 100, perEndpoint: 3, inFlight: new Map([[b, 2]]) }, 15_000);
      assert.equal(fresh.events, 7);
      assert.deepEqual(fresh.claimed.map((d) => d.endpointId).sort(), [a, a, a, b].sort(), "3 for a; b had 2 of 3 in flight");
      const rows = await f.store.db.webhookDelivery.findMany({ orderBy: { id: "asc" } });
      assert.equal(rows.length, 7, "a gets six events, b one; realm.created goes nowhere");
      const events = await f.store.db.outboxEvent.findMany();
      assert.ok(events.every((e) => e.fannedOut));
      for (const r of rows) {
        const event = events.find((e) => e.id === r.eventId)!;
        assert.equal(r.id, deliveryId(r.eventId, r.endpointId, event.createdAt), "the webhook-id is derived from event and endpoint");
        assert.deepEqual(Object.keys(JSON.parse(r.payload)), ["event", "timestamp", "request_id", "realm", "data"]);
        assert.equal(r.state, "pending");
      }
      assert.equal((await f.queue.fanOut(500, NO_LIMIT, 15_000)).events, 0, "nothing is fanned out twice");

      // The unclaimed rest is due now; claiming respects the cap again.
      const due = await f.queue.claimDue({ total: 100, perEndpoint: 3, inFlight: new Map([[a, 3], [b, 3]]) }, 15_000);
      assert.equal(due.length, 0, "both endpoints are at their cap");
      const rest = await f.queue.claimDue({ total: 100, perEndpoint: 3, inFlight: new Map([[a, 1]]) }, 15_000);
      assert.deepEqual(rest.map((d) => d.endpointId), [a, a], "a had room for two more; b's only delivery is claimed already");
      assert.equal((await f.queue.claimDue(NO_LIMIT, 15_000)).length, 1, "the last one of a");
      assert.equal((await f.queue.claimDue(NO_LIMIT, 15_000)).length, 0, "claimed deliveries are not claimed again");
    });

    it("records a batch of attempts: delivered, retry after the schedule, dead letter; skips deleted deliveries", async () => {
      const endpoint = await addEndpoint(f.store, ["auth.*"]);
      await f.outbox.emit(SOURCE, Array.from({ length: 4 }, (_, i) => ({ type: "auth.login" as const, realm: null, data: { n: i } })));
      const { claimed } = await f.queue.fanOut(500, NO_LIMIT, 15_000);
      const mine = claimed.filter((d) => d.endpointId === endpoint);
      assert.equal(mine.length, 4);
      const [ok, retry, last, gone] = mine as [ClaimedDelivery, ClaimedDelivery, ClaimedDelivery, ClaimedDelivery];
      await f.store.db.webhookDelivery.delete({ where: { id: gone.id } });
      const startedAt = new Date();
      const recorded = await f.queue.record(
        [outcome(ok, true), outcome(retry, false, startedAt), outcome({ ...last, attempts: 3 }, false), outcome(gone, true)],
        [1_000, 5_000, 30_000],
      );
      assert.deepEqual(recorded.map((r) => [r.deliveryId, r.state, r.attempt]), [
        [ok.id, "delivered", 1],
        [retry.id, "pending", 1],
        [last.id, "dead", 4],
      ]);
      const rows = new Map((await f.store.db.webhookDelivery.findMany({ where: { endpointId: endpoint }, include: { attemptRows: true } })).map((r) => [r.id, r]));
      assert.equal(rows.get(ok.id)!.state, "delivered");
      assert.ok(rows.get(ok.id)!.deliveredAt);
      assert.equal(rows.get(ok.id)!.claimedUntil, null);
      const waiting = rows.get(retry.id)!;
      assert.equal(waiting.state, "pending");
      assert.equal(waiting.attempts, 1);
      assert.equal(waiting.nextAttemptAt!.getTime(), startedAt.getTime() + 7 + 1_000, "the wait runs from the end of the attempt");
      assert.equal(waiting.attemptRows[0]!.nextRetryAt!.getTime(), waiting.nextAttemptAt!.getTime());
      assert.equal(waiting.lastError, "HTTP 500");
      assert.equal(rows.get(last.id)!.state, "dead");
      assert.equal(rows.get(last.id)!.attempts, 4);
      assert.equal(rows.get(last.id)!.attemptRows[0]!.statusCode, 500);
      assert.equal(rows.has(gone.id), false);
      assert.equal(await f.store.db.webhookAttempt.count({ where: { deliveryId: gone.id } }), 0);
      const next = await f.queue.nextDue();
      assert.ok(next && Math.abs(next.getTime() - waiting.nextAttemptAt!.getTime()) <= 1, "the retry is the next thing due");
    });
  });
}

describe("dispatcher with a slow receiver (sqlite)", () => {
  it("keeps delivering to other endpoints while one receiver holds its cap of connections", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-dispatch-test-"));
    const store = await openStore({ dataDir });
    const kms = LocalKeyFileKms.inDataDir(dataDir);
    kms.load();
    const held: http.ServerResponse[] = [];
    const slow = http.createServer((_req, res) => held.push(res));
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const fast = await startReceiver();
    const outbox = new Outbox(store.db);
    const dispatcher = new WebhookDispatcher(store.db, "sqlite", kms, outbox, pino({ level: "silent" }), {
      retrySchedule: [1],
      allowPrivateNetworks: true,
      timeoutMs: 10_000,
      concurrency: 8,
      perEndpointConcurrency: 3,
    });
    try {
      const key = generateSigningKey();
      const slowId = await addEndpoint(store, ["secret.*"], `http://127.0.0.1:${(slow.address() as { port: number }).port}/hook`);
      const fastId = await addEndpoint(store, ["secret.*"], fast.url);
      for (const id of [slowId, fastId]) {
        await store.db.webhookEndpoint.update({ where: { id }, data: { secretWrapped: await kms.wrap(key, signingKeyContext(id)) } });
      }
      dispatcher.start();
      for (let i = 0; i < 20; i++) await outbox.emit(SOURCE, [{ type: "secret.set", realm: "r", data: { key: `K${i}` } }]);
      const hits = await fast.waitFor(20, 10_000);
      const secret = `whsec_${key.toString("base64")}`;
      for (const h of hits) verifySignatures(secret, h);
      assert.equal(held.length, 3, "the slow receiver gets no more than its cap at once");
      for (const res of held.splice(0)) res.end();
      const deadline = Date.now() + 5_000;
      while ((await store.db.webhookDelivery.count({ where: { endpointId: fastId, state: "delivered" } })) < 20) {
        assert.ok(Date.now() < deadline, "the fast endpoint's deliveries were never all recorded");
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      for (const res of held) res.destroy();
      await dispatcher.stop();
      slow.closeAllConnections();
      slow.close();
      await fast.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
