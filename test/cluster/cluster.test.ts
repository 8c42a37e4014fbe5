// Two Arcan processes on one PostgreSQL database and the local Redis behave as one: they
// start together on an empty database (one migration, one bootstrap token), a secret
// written through A is read through B, a revocation or binding change made through A holds
// on B within a second (measured), a rate limit is counted across both, webhooks go out once
// with two dispatchers, the audit chain stays one valid chain with two writers, the reaper
// runs in exactly one process and moves when it dies, and kill -9 under write load loses
// nothing that was acknowledged.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { after, before, describe, it } from "node:test";
import { createToken, putSecret, sleep } from "../helpers/core";
import { startReceiver, type Receiver } from "../events/receiver";
import type { TestServer } from "../helpers/server";
import { as, redisPrefix, SHARED_REDIS, startCluster, timeUntil, type Cluster } from "./helpers";

const REALM = "shared";
const REAPER_LOCK_KEY = 7_242_009;
const SYSLOG_LOCK_KEY = 7_242_010;

describe("two processes on one PostgreSQL and Redis", () => {
  let cluster: Cluster;
  let a: TestServer;
  let b: TestServer;
  let admin: ReturnType<typeof as>;
  let receiver: Receiver;
  let collector: dgram.Socket;
  /** Audit record ids the syslog collector received, in order. */
  const syslogIds: string[] = [];
  const lockHolders = (key: number) =>
    cluster.sql<{ application_name: string }>(
      `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted`,
      [key],
    );

  before(async () => {
    receiver = await startReceiver();
    collector = dgram.createSocket("udp4");
    collector.on("message", (m) => {
      const id = /"id":"([^"]+)"/.exec(m.toString())?.[1];
      if (id) syslogIds.push(id);
    });
    await new Promise<void>((r) => collector.bind(0, "127.0.0.1", r));
    cluster = await startCluster(2, {
      ARCAN_REDIS_URL: SHARED_REDIS,
      ARCAN_REDIS_KEY_PREFIX: redisPrefix(),
      ARCAN_RATE_LIMIT_PER_TOKEN: "100000",
      ARCAN_RATE_LIMIT_PER_IP: "100000",
      ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true",
      ARCAN_AUDIT_SYSLOG_ADDRESS: `udp://127.0.0.1:${collector.address().port}`,
    });
    [a, b] = cluster.nodes as [TestServer, TestServer];
    admin = as(cluster.adminToken);
    const r = await admin(a, "POST", "/api/v1/realms", { body: { name: REALM } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await cluster?.cleanup();
    await receiver?.close();
    collector?.close();
  });

  it("started together on an empty database: one bootstrap token, both ready with the bus and Redis up", async () => {
    const tokens = await cluster.sql<{ n: string }>(`SELECT count(*) AS n FROM "Token"`);
    assert.equal(Number(tokens[0]!.n), 1);
    for (const s of [a, b]) {
      const ready = await s.request("GET", "/ready", { token: null });
      assert.equal(ready.status, 200, ready.text);
      assert.deepEqual(ready.body.checks, { store: true, key: true, kms: true, bus: "ok", bus_transport: "redis", redis: "ok" });
    }
  });

  it("a secret written through A is read through B (one key-encryption key file, separate data dirs)", async () => {
    assert.notEqual(a.dataDir, b.dataDir);
    await putSecret(a, REALM, "db-password", "hunter2-a", cluster.adminToken);
    const r = await admin(b, "GET", `/api/v1/realms/${REALM}/secrets/db-password`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.value, "hunter2-a");
  });

  it("a token revoked through A is refused by B within a second", async (t) => {
    const tok = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    assert.equal((await b.request("GET", "/api/v1/realms", { token: tok.token })).status, 200, "B has the token's principal cached");
    assert.equal((await admin(a, "POST", `/api/v1/auth/tokens/${tok.id}/revoke`)).status, 200);
    const ms = await timeUntil(async () => (await b.request("GET", "/api/v1/realms", { token: tok.token })).status === 401, 1_000, "B refuses the revoked token");
    assert.ok(ms <= 1_000, `revocation reached B in ${ms.toFixed(0)} ms`);
    t.diagnostic(`revoke through A → refused by B after ${ms.toFixed(0)} ms`);
  });

  it("a binding created and deleted through A holds on B within a second", async (tc) => {
    const t = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    const read = () => b.request("GET", `/api/v1/realms/${REALM}/secrets/db-password`, { token: t.token });
    assert.equal((await read()).status, 403, "no secrets:read yet (and B caches that principal)");
    const bound = await admin(a, "POST", "/api/v1/bindings", { body: { subject: t.subject, role: "secrets-reader", realm: REALM } });
    assert.equal(bound.status, 201, bound.text);
    const granted = await timeUntil(async () => (await read()).status === 200, 1_000, "B applies the new binding");
    assert.equal((await admin(a, "DELETE", `/api/v1/bindings/${bound.body.id}`)).status, 204);
    const withdrawn = await timeUntil(async () => (await read()).status === 403, 1_000, "B applies the deleted binding");
    assert.ok(granted <= 1_000 && withdrawn <= 1_000, `granted in ${granted.toFixed(0)} ms, withdrawn in ${withdrawn.toFixed(0)} ms`);
    tc.diagnostic(`binding through A → applied on B after ${granted.toFixed(0)} ms, removal after ${withdrawn.toFixed(0)} ms`);
  });

  it("an agent disabled and an STS token revoked through A are refused by B within a second", async (t) => {
    const agent = await admin(a, "POST", "/api/v1/agents", { body: { name: "cluster-agent", trust_tier: 2, allowed_scopes: ["jira.read:project/FIN-*"] } });
    assert.equal(agent.status, 201, agent.text);
    const subject = await createToken(a, { capabilities: ["realms:read"] }, cluster.adminToken);
    const exchange = async () => {
      const form = new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: subject.token,
        subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
        actor_token: agent.body.credential,
        actor_token_type: "urn:arcan:params:oauth:token-type:agent_credential",
        scope: "jira.read:project/FIN-A",
        task: "cluster",
      });
      const r = await a.request("POST", "/api/v1/sts/token", { token: null, rawBody: form.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      assert.equal(r.status, 200, r.text);
      return r.body.access_token as string;
    };
    const refused = async (sts: string) => {
      const r = await admin(b, "POST", "/api/v1/authorize", { body: { token: sts, action: "jira.read", resource: { type: "project", id: "FIN-A" } } });
      assert.equal(r.status, 200, r.text);
      return (r.body.reasons as string[]).includes("token_invalid");
    };
    const first = await exchange();
    assert.equal(await refused(first), false, "B accepts the STS token (and caches the agent's state)");
    const jti = JSON.parse(Buffer.from(first.split(".")[1]!, "base64url").toString()).jti as string;
    assert.equal((await admin(a, "POST", "/api/v1/sts/revoke", { body: { jti } })).status, 200);
    const revokedMs = await timeUntil(() => refused(first), 1_000, "B refuses the revoked jti");

    const second = await exchange();
    assert.equal(await refused(second), false);
    assert.equal((await admin(a, "PATCH", `/api/v1/agents/${agent.body.id}`, { body: { disabled: true } })).status, 200);
    const disabledMs = await timeUntil(() => refused(second), 1_000, "B refuses the disabled agent's token");
    t.diagnostic(`STS jti revoked through A → refused by B after ${revokedMs.toFixed(0)} ms; agent disabled → after ${disabledMs.toFixed(0)} ms`);
  });

  it("a token's rate limit is counted across A and B", async () => {
    const t = await createToken(a, { capabilities: ["realms:read"], rate_limit: 10 }, cluster.adminToken);
    await sleep(1_100);
    const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).request("GET", "/api/v1/realms", { token: t.token })));
    const ok = replies.filter((r) => r.status === 200).length;
    const limited = replies.filter((r) => r.status === 429);
    assert.equal(ok + limited.length, 24, replies.map((r) => r.status).join(","));
    assert.equal(ok, 10, `10 of 24 pass in total, not 10 per process: ${replies.map((r) => r.status).join(",")}`);
    for (const r of limited) assert.ok(Number(r.headers["retry-after"]) >= 1, "429 carries Retry-After");
    for (const r of replies) assert.equal(r.headers["x-ratelimit-limit"], "10");
  });

  it("delivers each webhook once with two dispatchers, and the audit chain verifies after two concurrent writers", async () => {
    const hook = await admin(a, "POST", "/api/v1/webhooks", { body: { url: receiver.url, events: ["secret.*"] } });
    assert.equal(hook.status, 201, hook.text);
    const writes = 40;
    await Promise.all(
      Array.from({ length: writes }, async (_, i) => {
        const r = await admin(i % 2 ? a : b, "PUT", `/api/v1/realms/${REALM}/secrets/hook-${i}`, { body: { value: `v${i}` } });
        assert.equal(r.status, 200, r.text);
      }),
    );
    const got = await receiver.waitFor(writes, 20_000, (r) => r.body.includes('"secret.set"'));
    await sleep(1_000);
    const sets = receiver.received.filter((r) => r.body.includes('"secret.set"'));
    const ids = sets.map((r) => r.headers["webhook-id"]);
    assert.equal(new Set(ids).size, ids.length, "no webhook-id arrives twice");
    assert.equal(sets.length, writes, `one delivery per event (${got.length})`);
    for (const s of [a, b]) {
      const v = await admin(s, "GET", "/api/v1/audit/verify");
      assert.equal(v.status, 200, v.text);
      assert.equal(v.body.valid, true, v.text);
    }
  });

  it("sends each audit record to syslog once with two processes (one holds the sender's lock)", async () => {
    assert.equal((await lockHolders(SYSLOG_LOCK_KEY)).length, 1, "one syslog sender");
    for (let i = 0; i < 10; i++) assert.equal((await admin(i % 2 ? a : b, "GET", `/api/v1/realms/${REALM}/secrets/db-password`)).status, 200);
    const records = await cluster.sql<{ id: string }>(`SELECT id FROM "AuditRecord"`);
    await timeUntil(async () => new Set(syslogIds).size >= records.length, 10_000, "every audit record reaches syslog");
    assert.equal(syslogIds.length, new Set(syslogIds).size, "no record is sent twice");
  });

  it("runs the reaper in exactly one process; kill -9 of it under write load loses nothing acknowledged and the lock moves", async () => {
    const holders = () => lockHolders(REAPER_LOCK_KEY);
    const first = await holders();
    assert.equal(first.length, 1, "one reaper lock holder");
    const holderPid = Number(/(\d+)$/.exec(first[0]!.application_name)![1]);
    const victim = [a, b].find((s) => s.pid === holderPid)!;
    const survivor = victim === a ? b : a;
    assert.ok(victim, `the holder ${first[0]!.application_name} is one of the two`);

    const acknowledged = new Map<string, string>();
    let stop = false;
    const writer = async (s: TestServer, name: string) => {
      for (let i = 0; !stop; i++) {
        const key = `load-${name}-${i}`;
        const value = `${name}-${i}`;
        const r = await admin(s, "PUT", `/api/v1/realms/${REALM}/secrets/${key}`, { body: { value } }).catch(() => null);
        if (r?.status === 200) acknowledged.set(key, value);
        if (!r) return;
      }
    };
    const writers = [writer(victim, "v1"), writer(victim, "v2"), writer(survivor, "s1"), writer(survivor, "s2")];
    await sleep(1_500);
    await victim.kill();
    await sleep(1_000);
    stop = true;
    await Promise.all(writers);
    assert.ok(acknowledged.size > 10, `writes were acknowledged (${acknowledged.size})`);
    for (const [key, value] of acknowledged) {
      const r = await admin(survivor, "GET", `/api/v1/realms/${REALM}/secrets/${key}`);
      assert.equal(r.status, 200, `${key}: ${r.text}`);
      assert.equal(r.body.value, value);
    }
    const moved = await timeUntil(async () => (await holders()).some((h) => h.application_name.endsWith(` ${survivor.pid}`)), 10_000, "the survivor takes the reaper lock");
    assert.equal((await holders()).length, 1);
    assert.ok(moved < 10_000);
    const v = await admin(survivor, "GET", "/api/v1/audit/verify");
    assert.equal(v.body.valid, true, v.text);
    // The syslog sender lives on in the survivor (it held the lock already, or took it over).
    await timeUntil(async () => (await lockHolders(SYSLOG_LOCK_KEY)).some((h) => h.application_name.endsWith(` ${survivor.pid}`)), 10_000, "the survivor sends syslog");
    const last = await cluster.sql<{ id: string }>(`SELECT id FROM "AuditRecord" ORDER BY seq DESC LIMIT 1`);
    await timeUntil(async () => syslogIds.includes(last[0]!.id), 10_000, "records written after the kill reach syslog");
  });
});
