// The console's delivery log comes in pages of 100 attempts, newest first; "load more"
// asks for the attempts older than the oldest one shown, and the pages neither overlap nor skip.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startConsoleHarness, type ConsoleHarness } from "../helpers/console";
import { STORES } from "../helpers/server";

const hex = (n: number, width = 32) => n.toString(16).padStart(width, "0");

for (const store of STORES) {
  describe(`webhook delivery log paging (${store})`, () => {
    let h: ConsoleHarness;
    before(async () => {
      h = await startConsoleHarness(store, { ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true" });
    });
    after(async () => {
      await h?.close();
    });

    it("pages 250 attempts as 100 + 100 + 50, newest first, without overlap", async () => {
      const created = await h.mutation("webhooks.create", { url: "http://127.0.0.1:9/hook", events: ["plugin.crashed"] });
      assert.equal(created.status, 200, JSON.stringify(created.error));
      const endpointId = created.data.id as string;
      const db = h.services.store.db;
      const base = Date.UTC(2026, 0, 1);
      // 125 messages with two attempts each; pairs share a start time, so the id breaks ties.
      for (let m = 0; m < 125; m++) {
        const deliveryId = `msg_${hex(m)}`;
        await db.webhookDelivery.create({ data: { id: deliveryId, endpointId, eventId: `evt_${hex(m)}`, event: "plugin.crashed", payload: "{}", state: "dead", attempts: 2 } });
        await db.webhookAttempt.createMany({
          data: [1, 2].map((attempt) => ({ id: `att_${hex(m * 2 + attempt)}`, deliveryId, attempt, startedAt: new Date(base + m * 1000), statusCode: 500, latencyMs: 3 })),
        });
      }

      const seen: string[] = [];
      const sizes: number[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await h.query("webhooks.log", { endpointId, ...(before ? { before } : {}) });
        assert.equal(page.status, 200, JSON.stringify(page.error));
        const ids = (page.data as { id: string }[]).map((e) => e.id);
        sizes.push(ids.length);
        seen.push(...ids);
        if (ids.length < 100) break;
        before = ids[ids.length - 1];
      }
      assert.deepEqual(sizes, [100, 100, 50]);
      assert.equal(new Set(seen).size, 250, "no attempt twice");
      assert.equal(seen[0], `att_${hex(124 * 2 + 2)}`, "newest first");
      assert.equal(seen[249], `att_${hex(1)}`, "oldest last");
    });

    it("answers an unknown cursor with an empty page", async () => {
      const page = await h.query("webhooks.log", { before: "att_nope" });
      assert.equal(page.status, 200);
      assert.deepEqual(page.data, []);
    });
  });
}
