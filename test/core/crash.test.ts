// Crash test: SIGKILL during concurrent secret writes; after a restart on the same store,
// every acknowledged write reads back with its value and has its audit record, and the
// audit chain still verifies.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { allAudit, createRealm, killMidLoad, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";

const WRITERS = 8;

interface Ack {
  key: string;
  version: number;
  value: string;
  requestId: string;
}

for (const store of STORES) {
  describe(`crash during writes (${store})`, () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const s of servers.reverse()) await s.cleanup();
    });

    it("keeps every acknowledged write and its audit record after SIGKILL", async () => {
      const s = await startCore(store);
      servers.push(s);
      const realm = `crash-${uid()}`;
      await createRealm(s, realm);

      const { acks, interrupted } = await killMidLoad<Ack>(s, {
        callers: WRITERS,
        enough: 120,
        call: async (w, i) => {
          const key = `w${w}-k${i % 3}`;
          const value = `crash-value-${w}-${i}-${uid()}`;
          const requestId = `crash-${w}-${i}-${uid()}`;
          const reply = await s.request("PUT", `/api/v1/realms/${realm}/secrets/${key}`, { body: { value }, headers: { "X-Request-Id": requestId } });
          return { reply, ack: { key, version: reply.body?.version, value, requestId } };
        },
      });
      assert.ok(acks.length >= 120, `acknowledged ${acks.length}`);
      assert.ok(interrupted > 0, "the kill interrupted writes in flight");

      const back = await s.restart();
      servers.push(back);
      for (const ack of acks) {
        const r = await back.request("GET", `/api/v1/realms/${realm}/secrets/${ack.key}?version=${ack.version}`);
        assert.equal(r.status, 200, `${ack.key} v${ack.version}: ${r.text}`);
        assert.equal(r.body.value, ack.value, `${ack.key} v${ack.version}`);
      }
      const writes = await allAudit(back, `realm=${realm}&action=secret.write`);
      const audited = new Map(writes.map((w) => [w.request_id, w]));
      for (const ack of acks) {
        const rec = audited.get(ack.requestId);
        assert.ok(rec, `audit record for ${ack.requestId}`);
        assert.equal(rec.outcome, "success");
        assert.equal(rec.resource, `secret:${ack.key}`);
        assert.equal(rec.details.version, ack.version);
      }
      const verify = await back.request("GET", "/api/v1/audit/verify");
      assert.equal(verify.status, 200, verify.text);
      assert.equal(verify.body.valid, true, JSON.stringify(verify.body));
      assert.ok(verify.body.checked >= acks.length);
      // The writers kept going after the last ack they saw; the store is still writable.
      assert.equal((await back.request("PUT", `/api/v1/realms/${realm}/secrets/after`, { body: { value: "after" } })).status, 200);
    });
  });
}
