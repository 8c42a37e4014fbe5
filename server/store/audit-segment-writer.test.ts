// node --import tsx --test server/store/audit-segment-writer.test.ts
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { ChainFields } from "./audit-chain";
import { GENESIS_HASH } from "./audit-chain";
import { listSegments, logDir, readSegment } from "./audit-log";
import { SegmentLogWriter } from "./audit-segment-writer";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data dir whose store has an empty AuditRecord table, as the writer expects at open. */
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "arcan-seglog-"));
  dirs.push(dir);
  const db = new Database(path.join(dir, "arcan.db"));
  db.exec("CREATE TABLE AuditRecord (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL)");
  db.close();
  return path.join(dir, "arcan.db");
}

const row = (n: number): ChainFields => ({
  id: `aud_${n}`,
  time: new Date(1_700_000_000_000 + n),
  requestId: `req_${n}`,
  actor: "token:tok_1",
  action: "secret.read",
  realm: "prod",
  resource: "secret:DB",
  outcome: "success",
  status: 200,
  capability: "secrets:read",
  reason: null,
  ip: "127.0.0.1",
  details: JSON.stringify({ version: n }),
});

/** Every record of the log in order, checking that the chain runs on across segment files. */
function readAll(dbFile: string) {
  const all = listSegments(logDir(dbFile)).flatMap((seg) => readSegment(seg.file, seg.firstSeq).records);
  all.forEach((r, i) => {
    assert.equal(r.seq, i + 1);
    assert.equal(r.prevHash, i === 0 ? GENESIS_HASH : all[i - 1]!.hash);
  });
  return all;
}

describe("audit segment log writer", () => {
  it("resolves concurrent batches once durable, in order, and chains them across segment files", async () => {
    const file = dataDir();
    const log = SegmentLogWriter.open(file, { segmentBytes: 4096 });
    const resolved: number[] = [];
    const batches = Array.from({ length: 60 }, (_, b) => log.append([row(2 * b), row(2 * b + 1)]).then(() => resolved.push(b)));
    await Promise.all(batches);
    assert.deepEqual(resolved, [...Array(60).keys()], "batches resolve in the order they were appended");
    await log.close();
    const records = readAll(file);
    assert.equal(records.length, 120);
    const segments = listSegments(logDir(file)).length;
    assert.ok(segments > 5, `small segments rotate (${segments} files)`);
    assert.equal(records[119]!.requestId, "req_119");
  });

  it("allows one writer per log, and the next writer continues the chain", async () => {
    const file = dataDir();
    const first = SegmentLogWriter.open(file);
    await first.append([row(1), row(2)]);
    assert.throws(() => SegmentLogWriter.open(file), /locked/i);
    await first.close();
    const second = SegmentLogWriter.open(file);
    await second.append([row(3)]);
    await second.close();
    assert.deepEqual(readAll(file).map((r) => r.requestId), ["req_1", "req_2", "req_3"]);
  });

  it("cuts a torn tail back at open, so the chain goes on from the last whole record", async () => {
    const file = dataDir();
    const first = SegmentLogWriter.open(file);
    await first.append([row(1), row(2)]);
    await first.close();
    const [seg] = listSegments(logDir(file));
    appendFileSync(seg!.file, '[3,"aud_3","2026-'); // a crash in the middle of a write
    const second = SegmentLogWriter.open(file);
    await second.append([row(4)]);
    await second.close();
    assert.deepEqual(readAll(file).map((r) => r.requestId), ["req_1", "req_2", "req_4"]);
  });

  it("refuses appends once closed", async () => {
    const log = SegmentLogWriter.open(dataDir());
    await log.close();
    await assert.rejects(log.append([row(1)]), /closed/);
  });
});
