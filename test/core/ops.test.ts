// Operations: /health, /ready (503 when the key file or the store is unavailable),
// /metrics with the documented names, and SIGTERM: exit 0 with acknowledged writes durable.
import assert from "node:assert/strict";
import { renameSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { allAudit, createRealm, createToken, putSecret, sleep, startCore, uid } from "../helpers/core";
import { STORES, type TestServer } from "../helpers/server";

const METRICS = ["arcan_http_requests_total", "arcan_http_request_duration_seconds", "arcan_token_cache_total", "arcan_decisions_total", "arcan_audit_queue_depth"];

async function adminPg(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.ARCAN_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

for (const store of STORES) {
  describe(`health, readiness, metrics (${store})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startCore(store);
    });
    after(() => s.cleanup());

    it("/health and /ready answer 200 without a token", async () => {
      const h = await s.request("GET", "/health", { token: null });
      assert.equal(h.status, 200);
      assert.deepEqual(h.body, { status: "ok" });
      const r = await s.request("GET", "/ready", { token: null });
      assert.equal(r.status, 200, r.text);
      const transport = store === "postgres" ? "postgres" : "local";
      assert.deepEqual(r.body, { status: "ready", checks: { store: true, key: true, kms: true, bus: "ok", bus_transport: transport, redis: "not_configured" } });
    });

    it("/metrics has the documented metrics with samples", async () => {
      const realm = `m-${uid()}`;
      await createRealm(s, realm);
      await putSecret(s, realm, "k", "v");
      await s.request("GET", `/api/v1/realms/${realm}/secrets/k`);
      const weak = await createToken(s, {});
      await s.request("GET", `/api/v1/realms/${realm}/secrets/k`, { token: weak.token });
      await sleep(50);
      const m = await s.request("GET", "/metrics", { token: null });
      assert.equal(m.status, 200);
      assert.match(String(m.headers["content-type"]), /^text\/plain/);
      for (const name of METRICS) assert.match(m.text, new RegExp(`^# TYPE ${name} `, "m"), name);
      const sample = (re: string) => assert.match(m.text, new RegExp(`^${re} \\d`, "m"), re);
      sample(`arcan_http_requests_total\\{[^}]*route="/api/v1/realms/:realm/secrets/:key"[^}]*status="200"[^}]*\\}`);
      sample(`arcan_http_requests_total\\{[^}]*status="404"[^}]*\\}`);
      sample(`arcan_http_request_duration_seconds_bucket\\{[^}]*le="0.1"[^}]*\\}`);
      sample(`arcan_token_cache_total\\{result="hit"\\}`);
      sample(`arcan_token_cache_total\\{result="miss"\\}`);
      sample(`arcan_decisions_total\\{lane="allow"\\}`);
      sample(`arcan_decisions_total\\{lane="deny"\\}`);
      sample("arcan_audit_queue_depth");
      assert.ok(!m.text.includes(s.adminToken) && !m.text.includes(weak.token));
    });

    it("/ready answers 503 while the key file is unavailable, and recovers", async () => {
      const kek = path.join(s.dataDir, "kek.key");
      renameSync(kek, `${kek}.moved`);
      try {
        const r = await s.request("GET", "/ready", { token: null });
        assert.equal(r.status, 503, r.text);
        assert.equal(r.body.status, "not_ready");
        assert.equal(r.body.checks.key, false);
        assert.equal(r.body.checks.store, true);
      } finally {
        renameSync(`${kek}.moved`, kek);
      }
      assert.equal((await s.request("GET", "/ready", { token: null })).status, 200);
    });

    if (store === "postgres") {
      it("/ready answers 503 while PostgreSQL refuses connections, and recovers", async () => {
        const db = s.databaseUrl!.slice(s.databaseUrl!.lastIndexOf("/") + 1);
        await adminPg(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
        await adminPg(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db}'`);
        try {
          const r = await s.request("GET", "/ready", { token: null });
          assert.equal(r.status, 503, r.text);
          assert.deepEqual({ store: r.body.checks.store, key: r.body.checks.key, kms: r.body.checks.kms }, { store: false, key: true, kms: true });
          const read = await s.request("GET", "/api/v1/realms");
          assert.ok(read.status >= 500, `a request that needs the store fails: ${read.status}`);
          assert.doesNotMatch(read.text, /prisma|postgres|SELECT|ECONN|terminat/i, "no driver detail leaks");
        } finally {
          await adminPg(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
        }
        let ready = 0;
        for (let i = 0; i < 50 && ready !== 200; i++) {
          ready = (await s.request("GET", "/ready", { token: null })).status;
          if (ready !== 200) await sleep(100);
        }
        assert.equal(ready, 200, "ready again once the store is back");
        assert.equal((await s.request("GET", "/api/v1/realms")).status, 200);
      });
    }
  });

  describe(`SIGTERM (${store})`, () => {
    const servers: TestServer[] = [];
    after(async () => {
      for (const s of servers.reverse()) await s.cleanup();
    });

    it("exits 0, and writes acknowledged before and during shutdown are durable with their audit records", async () => {
      const s = await startCore(store);
      servers.push(s);
      const realm = `term-${uid()}`;
      await createRealm(s, realm);
      const last = await s.request("PUT", `/api/v1/realms/${realm}/secrets/last`, { body: { value: "acknowledged" }, headers: { "X-Request-Id": "term-last" } });
      assert.equal(last.status, 200);
      const inFlight = Array.from({ length: 6 }, (_, i) =>
        s
          .request("PUT", `/api/v1/realms/${realm}/secrets/inflight-${i}`, { body: { value: `v${i}` }, headers: { "X-Request-Id": `term-inflight-${i}` } })
          .then((r) => ({ i, ok: r.status === 200 }), () => ({ i, ok: false })),
      );
      await sleep(5);
      const code = await s.stop();
      assert.equal(code, 0, s.stderr());
      const results = await Promise.all(inFlight);

      const back = await s.restart();
      servers.push(back);
      assert.equal((await back.request("GET", `/api/v1/realms/${realm}/secrets/last`)).body.value, "acknowledged");
      assert.equal((await allAudit(back, "request_id=term-last")).length, 1);
      for (const r of results.filter((x) => x.ok)) {
        assert.equal((await back.request("GET", `/api/v1/realms/${realm}/secrets/inflight-${r.i}`)).body.value, `v${r.i}`);
        assert.equal((await allAudit(back, `request_id=term-inflight-${r.i}`)).length, 1, `audit for in-flight write ${r.i}`);
      }
      const verify = await back.request("GET", "/api/v1/audit/verify");
      assert.equal(verify.body.valid, true, verify.text);
    });
  });
}
