/**
 * Worker thread that derives the searchable AuditRecord table from the segment log. At
 * start it inserts every logged record the table lacks (after a crash or kill -9 the
 * table may trail the log); then it inserts the durable log lines the main thread's
 * writer (audit-segment-writer.ts) hands over every 100 ms in one transaction, which is
 * what makes the six indexes cheap: one commit and one fsync per tenth of a second
 * instead of per group commit. The decision log's rows are derived in the same
 * transaction (decision-rows.ts).
 * A sealed segment is deleted once the table holds all of it durably (synchronous=FULL).
 */
import Database from "better-sqlite3";
import { unlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { decodeLines, listSegments, logDir, readSegment, type LogRecord } from "./audit-log";
import { DECISION_COLUMNS, decisionRowsOf } from "./decision-rows";

/** What the main thread sends: durable log lines (UTF-8), a sync marker (answered once they are indexed), or close. */
export type IndexerMessage = { bytes: Uint8Array } | { sync: number } | "close";
export type IndexerReply = { id: number; ok: true } | { id: number; ok: false; error: string };

/** Retry interval after a failed commit; records arrive already grouped (fast-path.ts). */
const INDEX_INTERVAL_MS = 100;
const INDEX_MAX = 5000;

const { file } = workerData as { file: string };
const dir = logDir(file);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 10000");
// Asserted, not assumed: a segment is removed only after its records are on disk in the table.
if (db.pragma("synchronous", { simple: true }) !== 2) throw new Error("audit index connection: PRAGMA synchronous did not stay FULL");

const maxSeq = db.prepare<[], { m: number | null }>("SELECT MAX(seq) AS m FROM AuditRecord");
const insert = db.prepare(
  `INSERT INTO AuditRecord (seq, id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertDecision = db.prepare(`INSERT INTO DecisionRecord (${DECISION_COLUMNS.join(", ")}) VALUES (${DECISION_COLUMNS.map(() => "?").join(", ")})`);
// Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset.
const sqliteTime = (iso: string) => iso.replace("Z", "+00:00");
/** The audit rows and the decision rows they carry (decision-rows.ts), in one transaction. */
const insertAll = db.transaction((rows: LogRecord[]) => {
  for (const r of rows) {
    insert.run(r.seq, r.id, sqliteTime(r.time), r.requestId, r.actor, r.action, r.realm, r.resource, r.outcome, r.status, r.capability, r.reason, r.ip, r.details, r.prevHash, r.hash);
  }
  for (const d of decisionRowsOf(rows)) {
    insertDecision.run(...DECISION_COLUMNS.map((c) => (c === "time" ? sqliteTime(d.time.toISOString()) : d[c])));
  }
});

let indexed = maxSeq.get()?.m ?? 0;

function index(rows: LogRecord[]): void {
  const fresh = rows.filter((r) => r.seq > indexed);
  if (fresh.length === 0) return;
  insertAll.immediate(fresh);
  indexed = fresh[fresh.length - 1]!.seq;
}

/** Sealed segments (all but the newest) whose every record the table holds. */
function removeIndexedSegments(): void {
  const segments = listSegments(dir);
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i + 1]!.firstSeq - 1 > indexed) break;
    unlinkSync(segments[i]!.file);
  }
}

// Rebuild: whatever the log holds beyond the table, in chain order.
const segmentsAtStart = listSegments(dir);
for (const [i, seg] of segmentsAtStart.entries()) {
  const next = segmentsAtStart[i + 1];
  if (next && next.firstSeq - 1 <= indexed) continue;
  const { records } = readSegment(seg.file, seg.firstSeq);
  for (let i = 0; i < records.length; i += INDEX_MAX) index(records.slice(i, i + INDEX_MAX));
}
removeIndexedSegments();

let buffer: LogRecord[] = [];
let waiting: number[] = [];
let timer: NodeJS.Timeout | null = null;
let closing = false;

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  try {
    if (buffer.length > 0) index(buffer);
    buffer = [];
    removeIndexedSegments();
  } catch (err) {
    // The records stay durable in the log; keep them and try again shortly.
    const error = (err as Error).message.split("\n")[0] ?? "unknown";
    for (const id of waiting) parentPort!.postMessage({ id, ok: false, error } satisfies IndexerReply);
    waiting = [];
    if (closing) process.exit(0); // the next start indexes them from the log
    timer = setTimeout(flush, INDEX_INTERVAL_MS);
    return;
  }
  for (const id of waiting) parentPort!.postMessage({ id, ok: true } satisfies IndexerReply);
  waiting = [];
  if (closing) {
    db.close();
    process.exit(0);
  }
}

parentPort!.on("message", (msg: IndexerMessage) => {
  if (msg === "close") {
    closing = true;
    flush();
  } else if ("sync" in msg) {
    waiting.push(msg.sync);
    flush();
  } else {
    for (const r of decodeLines(Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength).toString("utf8"))) buffer.push(r);
    if (!timer) flush(); // while a retry is pending, the records wait for it
  }
});

parentPort!.postMessage("ready");
