// node --import tsx --test server/leases/revoker.test.ts
// Failed revocations on a real SQLite store, against an engine whose database cannot be
// reached: backoff 5 s, 30 s, 2 min, 10 min, 1 h; revoke_failed after the sixth failure
// (event, gauge); an operator's retry and forget.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { AuditWriter } from "../audit/writer";
import { Keyring } from "../crypto/keyring";
import { LocalKeyFileKms } from "../crypto/kms";
import { DecisionRecorder } from "../decisions/recorder";
import { ConnectionManager } from "../engines/connections";
import { EngineTypes } from "../engines/driver";
import { PostgresDriver } from "../engines/postgres/driver";
import { EngineRuntime } from "../engines/runtime";
import { Outbox } from "../events/outbox";
import { createMetrics } from "../observability/metrics";
import { AccessGuard } from "../access/guard";
import { SYSTEM_PRINCIPAL, type Actor } from "../rbac/principal";
import { RealmDirectory } from "../access/realm-directory";
import { openStore, type Store } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";
import { LeaseReaper } from "./reaper";
import { internalAad, LeaseRevoker } from "./revoker";
import { REVOKE_BACKOFF_SECONDS } from "./schemas";
import { LeaseService } from "./service";
import { leaseStore } from "./store";

describe("failed revocations", () => {
  let dir: string;
  let store: Store;
  let realm: ResolvedRealm;
  let keyring: Keyring;
  let runtime: EngineRuntime;
  let outbox: Outbox;
  let audit: AuditWriter;
  let revoker: LeaseRevoker;
  let gaveUp = 0;
  const connections = new ConnectionManager();
  const logger = pino({ level: "silent" });
  const actor: Actor = { principal: SYSTEM_PRINCIPAL, requestId: "req_test", ip: null, via: "system" };
  const mountId = "eng_00000000000000000000000000000001";

  const newLease = async (id: string) => {
    const sealed = await keyring.encrypt(realm, internalAad(id), JSON.stringify({ username: "arcan_x", revocation_statements: [], renew_statements: [] }));
    const now = new Date();
    await leaseStore(store.db, realm).create({
      id,
      mountId,
      engine: "pg",
      role: "readonly",
      issuedAt: now,
      expiresAt: now,
      ttlSeconds: 60,
      maxExpiresAt: now,
      noticeAt: now,
      internal: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      createdBy: "test",
    });
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "arcan-revoker-"));
    store = await openStore({ dataDir: dir });
    const kms = LocalKeyFileKms.inDataDir(dir);
    kms.load();
    keyring = new Keyring(store.db, kms);
    await store.db.realm.create({ data: { id: "rlm_00000000000000000000000000000001", name: "failing" } });
    realm = (await new RealmDirectory({ db: store.db }).byName("failing"))!;
    const engineTypes = new EngineTypes();
    engineTypes.register(new PostgresDriver(connections));
    runtime = new EngineRuntime({ db: store.db, keyring, engineTypes });
    // Port 1 on loopback: nothing listens, every connection is refused.
    const config = { connection_url: "postgresql://{{username}}:{{password}}@127.0.0.1:1/app", username: "root", password: "root-password-xyz", max_open_connections: 1 };
    const sealed = await runtime.seal(realm, mountId, config, ["password"]);
    await store.db.engineMount.create({ data: { id: mountId, realmId: realm.id, name: "pg", type: "postgres", ...sealed, createdBy: "test" } });
    outbox = new Outbox(store.db);
    audit = new AuditWriter(store, logger, () => {});
    revoker = new LeaseRevoker({ outbox, keyring, runtime, audit, onRevokeFailed: () => gaveUp++ });
  });
  after(async () => {
    await audit.drain();
    await connections.closeAll();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("backs off 5 s, 30 s, 2 min, 10 min, 1 h, then marks the lease revoke_failed", async () => {
    const id = "lea_00000000000000000000000000000001";
    await newLease(id);
    for (let attempt = 1; attempt <= 6; attempt++) {
      const row = (await leaseStore(store.db, realm).find(id))!;
      const before = Date.now();
      const outcome = await revoker.revoke(realm, row, "expired", actor);
      assert.equal(outcome.ok, false);
      const after = (await leaseStore(store.db, realm).find(id))!;
      assert.equal(after.revokeAttempts, attempt);
      assert.match(after.lastError ?? "", /ECONNREFUSED|connect/);
      assert.ok(!(after.lastError ?? "").includes("root-password-xyz"));
      if (attempt < 6) {
        assert.equal(after.state, "active");
        const wait = after.nextAttemptAt!.getTime() - before;
        assert.ok(Math.abs(wait - REVOKE_BACKOFF_SECONDS[attempt - 1]! * 1000) < 2_000, `attempt ${attempt}: next in ${wait} ms`);
      } else {
        assert.equal(after.state, "revoke_failed");
        assert.equal(after.nextAttemptAt, null);
      }
    }
    assert.deepEqual(REVOKE_BACKOFF_SECONDS, [5, 30, 120, 600, 3600]);
    assert.equal(gaveUp, 1);
    const events = await store.db.outboxEvent.findMany({ where: { type: "lease.revoke_failed" } });
    assert.equal(events.length, 1);
    assert.equal((JSON.parse(events[0]!.data) as { lease_id: string }).lease_id, id);
  });

  it("the reaper leaves revoke_failed leases alone and reports them in arcan_leases_revoke_failed", async () => {
    const metrics = createMetrics();
    const reaper = new LeaseReaper({ db: store.db, provider: "sqlite", databaseUrl: null, revoker, outbox, realms: new RealmDirectory({ db: store.db }), metrics, logger }, { pollMs: 50 });
    reaper.start();
    await new Promise((r) => setTimeout(r, 300));
    await reaper.stop();
    assert.equal((await metrics.leasesRevokeFailed.get()).values[0]?.value, 1);
    assert.match(await metrics.registry.metrics(), /^arcan_leases_revoke_failed 1$/m);
    assert.equal((await leaseStore(store.db, realm).find("lea_00000000000000000000000000000001"))!.revokeAttempts, 6);
  });

  it("an operator can retry (still failing) and then forget a revoke_failed lease", async () => {
    const access = new AccessGuard({ directory: new RealmDirectory({ db: store.db }), decisions: new DecisionRecorder(store.db, createMetrics(), logger), audit });
    const service = new LeaseService({ db: store.db, access, audit, outbox, keyring, runtime, revoker, limits: { maxPerRealm: 10, expiringNotice: 300 } });
    const id = "lea_00000000000000000000000000000001";
    await assert.rejects(service.revoke(actor, "failing", id), (err: Error & { code?: string }) => err.code === "lease_revoke_failed" && /operator/.test(err.message));
    assert.equal((await service.get(actor, "failing", id)).state, "revoke_failed");
    const active = "lea_00000000000000000000000000000002";
    await newLease(active);
    await assert.rejects(service.forget(actor, "failing", active), (err: Error & { code?: string }) => err.code === "lease_not_revoke_failed");
    await service.forget(actor, "failing", id);
    await assert.rejects(service.get(actor, "failing", id), (err: Error & { code?: string }) => err.code === "lease_not_found");
  });
});
