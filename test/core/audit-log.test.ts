// The embedded store's audit segment log (server/audit/README.md): SIGKILL during a load
// of secret reads loses no acknowledged read's audit record; the AuditRecord table is
// rebuilt from the log at start; a torn tail is cut back without breaking the chain.
import assert from "node:assert/strict";
import { appendFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { allAudit, createRealm, createToken, killMidLoad, openRawStore, putSecret, startCore, uid } from "../helpers/core";
import type { TestServer } from "../helpers/server";

const READERS = 16;

describe("audit segment log (sqlite)", () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.cleanup();
  });

  it("keeps the audit record of every acknowledged secret read after SIGKILL mid-load", async () => {
    const s = await startCore("sqlite");
    servers.push(s);
    const realm = `load-${uid()}`;
    await createRealm(s, realm);
    await putSecret(s, realm, "API_KEY", "k-1");
    const reader = await createToken(s, { capabilities: ["secrets:read"], realms: [realm] });

    const { acks: acked, interrupted } = await killMidLoad(s, {
      callers: READERS,
      enough: 400,
      call: async (w, i) => {
        const requestId = `load-${w}-${i}-${uid()}`;
        const reply = await s.request("GET", `/api/v1/realms/${realm}/secrets/API_KEY`, { token: reader.token, headers: { "X-Request-Id": requestId } });
        return { reply, ack: requestId };
      },
    });
    assert.ok(interrupted > 0, "the kill interrupted reads in flight");

    const back = await s.restart();
    servers.push(back);
    const reads = await allAudit(back, `realm=${realm}&action=secret.read&actor=${encodeURIComponent(reader.subject)}`);
    const audited = new Set(reads.map((r) => r.request_id));
    const missing = acked.filter((id) => !audited.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged reads have no audit record`);
    const verify = await back.request("GET", "/api/v1/audit/verify");
    assert.equal(verify.status, 200, verify.text);
    assert.equal(verify.body.valid, true, JSON.stringify(verify.body));
    assert.ok(verify.body.checked >= acked.length, `verify checked ${verify.body.checked}`);
    assert.equal((await back.request("GET", `/api/v1/realms/${realm}/secrets/API_KEY`, { token: reader.token })).status, 200);
  });

  it("rebuilds the searchable table from the log at start, and cuts a torn tail", async () => {
    const s = await startCore("sqlite");
    servers.push(s);
    const realm = `rebuild-${uid()}`;
    await createRealm(s, realm);
    for (let i = 0; i < 20; i++) await putSecret(s, realm, `K${i}`, `v${i}`);
    // A search is audited too (with its realm filter): compare the records searches do not add.
    const notSearches = (rs: Awaited<ReturnType<typeof allAudit>>) => rs.filter((r) => r.action !== "audit.search");
    const before = notSearches(await allAudit(s, `realm=${realm}`));
    assert.equal(before.filter((r) => r.action === "secret.write").length, 20);
    await s.kill();

    // Drop the newest rows from the table, as if the process died before the indexer ran,
    // and leave a half-written record at the end of the log, as a crash mid-write would.
    const cut = before[before.length - 1]!.seq;
    const dropTableTail = async (server: TestServer) => {
      const raw = await openRawStore(server);
      await raw.exec(`DELETE FROM "AuditRecord" WHERE "seq" >= ?`, [cut]);
      assert.equal((await raw.query(`SELECT 1 FROM "AuditRecord" WHERE "realm" = ?`, [realm])).length, 0);
      await raw.close();
    };
    await dropTableTail(s);
    const logDir = path.join(s.dataDir, "audit-log");
    const newest = readdirSync(logDir).filter((f) => f.endsWith(".log")).sort().pop()!;
    appendFileSync(path.join(logDir, newest), '[999999,"aud_torn","2026-');

    const back = await s.restart();
    servers.push(back);
    const after = notSearches(await allAudit(back, `realm=${realm}`));
    assert.deepEqual(
      after.map((r) => [r.seq, r.id, r.hash]),
      before.map((r) => [r.seq, r.id, r.hash]),
      "every record is back with its seq and hash",
    );
    assert.equal((await back.request("PUT", `/api/v1/realms/${realm}/secrets/after`, { body: { value: "after" } })).status, 200);
    const verify = await back.request("GET", "/api/v1/audit/verify");
    assert.equal(verify.body.valid, true, JSON.stringify(verify.body));
    assert.equal((await allAudit(back, `realm=${realm}&action=secret.write`)).length, 21);

    // The record written after the cut follows the repaired tail, so a second rebuild reads past it.
    await back.kill();
    await dropTableTail(back);
    const again = await back.restart();
    servers.push(again);
    assert.equal((await allAudit(again, `realm=${realm}&action=secret.write`)).length, 21);
    assert.equal((await again.request("GET", "/api/v1/audit/verify")).body.valid, true);
  });
});
