// Audit: a record for every operation, search filters and cursor paging, denies recorded
// as "denied", the hash chain verified and a tampered row named, and no secret or token
// value anywhere in the audit output or the logs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { allAudit, assertProblem, createRealm, createToken, openRawStore, sleep, startCore, uid, type AuditRecord } from "../helpers/core";
import { STORES, type Reply, type TestServer } from "../helpers/server";

for (const store of STORES) {
  describe(`audit (${store})`, () => {
    let s: TestServer;
    let adminSubject: string;
    const realm = `aud-${uid()}`;
    const other = `aud-other-${uid()}`;
    const secretValues: string[] = [];
    const tokenValues: string[] = [];

    before(async () => {
      s = await startCore(store, { ARCAN_LOG_LEVEL: "info" });
      adminSubject = `token:${(await s.request("GET", "/api/v1/auth/verify")).body.token_info.id}`;
      await createRealm(s, realm);
      await createRealm(s, other);
    });
    after(() => s.cleanup());

    const byRequest = async (requestId: string) => (await s.request("GET", `/api/v1/audit?request_id=${requestId}`)).body.items as AuditRecord[];

    it("records each operation with actor, action, realm, resource and outcome, before answering", async () => {
      const ops: { method: string; path: string; body?: unknown; action: string; realm: string | null; resource?: string }[] = [
        { method: "PUT", path: `/api/v1/realms/${realm}/secrets/db`, body: { value: `audit-secret-${uid()}` }, action: "secret.write", realm, resource: "secret:db" },
        { method: "GET", path: `/api/v1/realms/${realm}/secrets/db`, action: "secret.read", realm, resource: "secret:db" },
        { method: "GET", path: `/api/v1/realms/${realm}/secrets`, action: "secret.list", realm },
        { method: "GET", path: `/api/v1/realms/${realm}/secrets/db/versions`, action: "secret.versions", realm, resource: "secret:db" },
        { method: "PATCH", path: `/api/v1/realms/${realm}`, body: { description: "audited" }, action: "realm.update", realm },
        { method: "POST", path: "/api/v1/auth/tokens", body: { name: "audited" }, action: "token.create", realm: null },
        { method: "GET", path: "/api/v1/roles", action: "role.list", realm: null },
        { method: "DELETE", path: `/api/v1/realms/${realm}/secrets/db`, action: "secret.delete", realm, resource: "secret:db" },
      ];
      for (const op of ops) {
        if (op.body && typeof op.body === "object" && "value" in op.body) secretValues.push(String(op.body.value));
        const requestId = `audit-op-${uid()}`;
        const r = await s.request(op.method, op.path, { body: op.body, headers: { "X-Request-Id": requestId } });
        assert.ok(r.status < 300, `${op.method} ${op.path}: ${r.text}`);
        if (r.body?.token) tokenValues.push(r.body.token);
        // No waiting: the record is committed before the response is sent.
        const records = await byRequest(requestId);
        assert.equal(records.length, 1, `${op.action}: ${JSON.stringify(records)}`);
        const rec = records[0]!;
        assert.equal(rec.action, op.action);
        assert.equal(rec.actor, adminSubject);
        assert.equal(rec.realm, op.realm);
        assert.equal(rec.outcome, "success");
        assert.equal(rec.request_id, requestId);
        if (op.resource) assert.equal(rec.resource, op.resource);
        assert.ok(Math.abs(Date.parse(rec.time) - Date.now()) < 60_000);
      }
    });

    it("records denies with outcome denied", async () => {
      const weak = await createToken(s, { capabilities: ["secrets:read"], realms: [other] });
      tokenValues.push(weak.token);
      const hidden = `deny-hidden-${uid()}`;
      const forbidden = `deny-forbidden-${uid()}`;
      assertProblem(await s.request("GET", `/api/v1/realms/${realm}/secrets/x`, { token: weak.token, headers: { "X-Request-Id": hidden } }), 404);
      assertProblem(await s.request("PUT", `/api/v1/realms/${other}/secrets/x`, { token: weak.token, body: { value: "nope" }, headers: { "X-Request-Id": forbidden } }), 403);
      const [h] = await byRequest(hidden);
      assert.deepEqual([h?.outcome, h?.status, h?.actor, h?.realm, h?.action, h?.capability], ["denied", 404, weak.subject, realm, "secret.read", "secrets:read"]);
      const [f] = await byRequest(forbidden);
      assert.deepEqual([f?.outcome, f?.status, f?.actor, f?.realm, f?.action, f?.capability], ["denied", 403, weak.subject, other, "secret.write", "secrets:write"]);
      const denied = await allAudit(s, `outcome=denied&actor=${weak.subject}`);
      assert.deepEqual(denied.map((d) => d.request_id).sort(), [forbidden, hidden].sort());
    });

    it("filters by realm, actor, action, outcome, request_id and time, and pages with a cursor", async () => {
      const mark = new Date();
      await sleep(20);
      const writer = await createToken(s, { capabilities: ["secrets:write", "secrets:read"], realms: [other] });
      tokenValues.push(writer.token);
      for (let i = 0; i < 5; i++) {
        const value = `filter-value-${i}-${uid()}`;
        secretValues.push(value);
        assert.equal((await s.request("PUT", `/api/v1/realms/${other}/secrets/k${i}`, { token: writer.token, body: { value } })).status, 200);
      }
      const mine = await allAudit(s, `actor=${writer.subject}`);
      assert.equal(mine.length, 5);
      assert.ok(mine.every((r) => r.action === "secret.write" && r.realm === other && r.actor === writer.subject && r.outcome === "success"));
      const inRealm = await allAudit(s, `realm=${other}`);
      assert.ok(inRealm.length >= 5 && inRealm.every((r) => r.realm === other));
      assert.ok(!inRealm.some((r) => r.realm === realm));
      const writes = await allAudit(s, "action=secret.write");
      assert.ok(writes.every((r) => r.action === "secret.write") && writes.length >= 6);
      assert.ok((await allAudit(s, "outcome=success")).every((r) => r.outcome === "success"));
      const since = await allAudit(s, `from=${encodeURIComponent(mark.toISOString())}`);
      assert.ok(since.every((r) => Date.parse(r.time) >= mark.getTime()));
      assert.ok(mine.every((m) => since.some((r) => r.id === m.id)), "from includes what came after");
      const until = await allAudit(s, `to=${encodeURIComponent(mark.toISOString())}`);
      assert.ok(until.length > 0 && until.every((r) => Date.parse(r.time) <= mark.getTime()));
      assert.ok(!until.some((r) => r.actor === writer.subject), "to excludes what came after");

      const pages: AuditRecord[][] = [];
      let cursor: string | null = null;
      do {
        const r: Reply = await s.request("GET", `/api/v1/audit?actor=${writer.subject}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(r.status, 200, r.text);
        pages.push(r.body.items);
        cursor = r.body.next_cursor;
      } while (cursor);
      assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
      const seqs = pages.flat().map((r) => r.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), "newest first");
      assert.deepEqual(seqs, mine.map((r) => r.seq));
    });

    it("an auditor scoped to one realm sees only that realm's records", async () => {
      const auditor = await createToken(s, { capabilities: ["audit:read"], realms: [other] });
      tokenValues.push(auditor.token);
      const r = await s.request("GET", "/api/v1/audit?limit=500", { token: auditor.token });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.items.length > 0 && r.body.items.every((x: AuditRecord) => x.realm === other), "only realm records");
      assertProblem(await s.request("GET", `/api/v1/audit?realm=${realm}`, { token: auditor.token }), 404, "realm_not_found");
      assertProblem(await s.request("GET", "/api/v1/audit/verify", { token: auditor.token }), 403);
    });

    it("never shows a secret or token value in the audit log or the logs", async () => {
      const rotated = await s.request("POST", `/api/v1/auth/tokens/${(await createToken(s, {})).id}/rotate`);
      tokenValues.push(rotated.body.token);
      const everything = JSON.stringify(await allAudit(s));
      assert.ok(secretValues.length >= 6 && tokenValues.length >= 4);
      for (const v of [...secretValues, ...tokenValues]) {
        assert.ok(!everything.includes(v), "value absent from the audit log");
        assert.ok(!s.stdout().includes(v) && !s.stderr().includes(v), "value absent from the logs");
      }
      assert.ok(!everything.includes(s.adminToken), "the admin token is not in the audit log");
      assert.ok(!s.stdout().includes(s.adminToken), "nor in the JSON logs");
      assert.match(s.stdout(), /"requestId"/, "the logs were captured (info level)");
    });

    // Last: tampering breaks the chain for good.
    it("verifies the chain, then names the first tampered record", async () => {
      const ok = await s.request("GET", "/api/v1/audit/verify");
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.valid, true);
      assert.equal(ok.body.first_broken, null);
      assert.ok(ok.body.checked > 20);
      assert.match(ok.body.head_hash, /^[0-9a-f]{64}$/);

      const target = (await allAudit(s, "action=secret.write")).at(-1)!;
      const raw = await openRawStore(s);
      try {
        await raw.exec(`UPDATE "AuditRecord" SET "actor" = 'token:someone-else' WHERE "seq" = ?`, [target.seq]);
      } finally {
        await raw.close();
      }
      const bad = await s.request("GET", "/api/v1/audit/verify");
      assert.equal(bad.status, 200, bad.text);
      assert.equal(bad.body.valid, false);
      assert.equal(bad.body.first_broken.seq, target.seq);
      assert.equal(bad.body.first_broken.id, target.id);
      const earlier = (await allAudit(s)).filter((r) => r.seq < target.seq).length;
      assert.equal(bad.body.checked, earlier, "every record before it still checks");
    });
  });
}
