/**
 * Audit records per second the writer sustains on the embedded store, against the path it
 * replaced, in the same run:
 *   - segment log (AuditWriter → SegmentLogWriter: chain and write per batch of up to 500,
 *     fdatasync after fdatasync): records/s until every append is acknowledged (durable),
 *     and until the indexer thread has them all in the AuditRecord table (searchable);
 *   - the former path: each batch of 500 inserted into AuditRecord (six indexes) in one
 *     synchronous=FULL transaction.
 *
 *   npm run bench   (runs this after the secret-read and token benchmarks; BENCH_AUDIT_RECORDS=100000)
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { AuditWriter, type AuditEntry } from "../server/audit/writer";
import { newId } from "../server/ids";
import { linkRecords, type ChainFields } from "../server/store/audit-chain";
import { openStore, SQLITE_FILE } from "../server/store/client";

const N = Number(process.env.BENCH_AUDIT_RECORDS ?? 100_000);
const BATCH = 500;

function entry(i: number): AuditEntry {
  return { requestId: `req_bench${i}`, actor: `token:tok_bench${i % 50}`, action: "secret.read", outcome: "success", status: 200, realm: `realm-${i % 10}`, resource: "secret:DATABASE_URL", ip: "127.0.0.1", details: { version: 1 } };
}

async function segmentLog(): Promise<{ durable: number; indexed: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-audit-"));
  const store = await openStore({ dataDir });
  try {
    const writer = new AuditWriter(store, pino({ level: "silent" }));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writer.append(entry(i))));
    await writer.drain();
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: N }, (_, i) => writer.append(entry(i))));
    const t1 = process.hrtime.bigint();
    await writer.drain();
    const t2 = process.hrtime.bigint();
    return { durable: (N * 1e9) / Number(t1 - t0), indexed: (N * 1e9) / Number(t2 - t0) };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function tableInserts(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-audit-"));
  const store = await openStore({ dataDir });
  await store.close();
  const db = new Database(path.join(dataDir, SQLITE_FILE));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    const insert = db.prepare(
      `INSERT INTO AuditRecord (id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const last = db.prepare<[], { hash: string }>("SELECT hash FROM AuditRecord ORDER BY seq DESC LIMIT 1");
    const append = db.transaction((rows: ChainFields[]) => {
      for (const r of linkRecords(last.get()?.hash ?? null, rows)) {
        insert.run(r.id, r.time.toISOString().replace("Z", "+00:00"), r.requestId, r.actor, r.action, r.realm, r.resource, r.outcome, r.status, r.capability, r.reason, r.ip, r.details, r.prevHash, r.hash);
      }
    });
    const fields = (i: number): ChainFields => {
      const e = entry(i);
      return { id: newId("aud"), time: new Date(), requestId: e.requestId, actor: e.actor, action: e.action, realm: e.realm ?? null, resource: e.resource ?? null, outcome: e.outcome, status: e.status, capability: null, reason: null, ip: e.ip ?? null, details: JSON.stringify(e.details) };
    };
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i += BATCH) append.immediate(Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => fields(i + j)));
    return (N * 1e9) / Number(process.hrtime.bigint() - t0);
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const log = await segmentLog();
const table = await tableInserts();
console.log(`\nAudit writer throughput (SQLite store, ${N.toLocaleString()} records, batches of up to ${BATCH}):`);
console.table([
  { path: "segment log: acknowledged (durable, fdatasync'ed)", records_per_s: Math.round(log.durable) },
  { path: "segment log: indexed (searchable in AuditRecord)", records_per_s: Math.round(log.indexed) },
  { path: "baseline: AuditRecord insert per batch, synchronous=FULL (former path)", records_per_s: Math.round(table) },
]);
console.log(`durable records/s, segment log vs former path: ${(log.durable / table).toFixed(2)}x`);
