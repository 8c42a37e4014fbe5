/**
 * Worker thread that makes audit batches durable for the embedded SQLite store: it links
 * each batch onto the hash chain, appends it to the segment log (audit-log.ts) with one
 * write and one fdatasync, and only then answers the main thread, which answers the
 * requests. The linked records then go, a tenth of a second's worth at a time, to the
 * indexer thread (audit-indexer.ts), which inserts them into the AuditRecord table. Doing the fsync here keeps
 * the main thread serving requests meanwhile, so the next batch grows during this one.
 */
import Database from "better-sqlite3";
import { closeSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, openSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { chainHash, GENESIS_HASH, type ChainFields } from "./audit-chain";
import { encodeRecord, ensureLogDir, listSegments, logDir, readSegment, SEGMENT_BYTES, segmentName, truncateToValid, type LogRecord } from "./audit-log";

export type WireFields = Omit<ChainFields, "time"> & { time: string };
/** `rows` is a JSON array of WireFields; `sync` asks for a reply once the index holds everything sent before it. */
export type WorkerRequest = { id: number; rows: string } | { id: number; sync: true };
export type WorkerReply = { id: number; ok: true } | { id: number; ok: false; error: string };
/** What the writer tells the indexer: linked records (a JSON array of LogRecord), a sync marker, or close. */
export type IndexerMessage = { rows: string } | { sync: number } | "close";

const { file, indexer } = workerData as { file: string; indexer: MessagePort };
const dir = logDir(file);
ensureLogDir(dir);

// One writer per log: SQLite's lock on this file is held for the thread's life and, being
// an OS file lock, released when the process dies (a pid file would outlive kill -9).
const lock = new Database(path.join(dir, "writer.lock"), { timeout: 3000 });
lock.pragma("locking_mode = EXCLUSIVE");
lock.exec("BEGIN EXCLUSIVE");

let head = { seq: 0, hash: GENESIS_HASH };
let current: { fd: number; size: number } | null = null;

// Start-up repair: cut the newest segment back to its valid part (a crash can leave a torn
// record that was never acknowledged) and take the chain head from it.
const segments = listSegments(dir);
for (let i = segments.length - 1; i >= 0; i--) {
  const seg = segments[i]!;
  const { records, validBytes } = readSegment(seg.file, seg.firstSeq);
  if (records.length === 0) {
    unlinkSync(seg.file);
    continue;
  }
  truncateToValid(seg.file, validBytes);
  const last = records[records.length - 1]!;
  head = { seq: last.seq, hash: last.hash };
  if (validBytes < SEGMENT_BYTES) current = { fd: openSync(seg.file, "a", 0o600), size: validBytes };
  break;
}
// A store that predates the log (or whose log segments were all indexed and removed) has its head in the table.
{
  const db = new Database(file, { readonly: true, timeout: 10_000 });
  const row = db.prepare<[], { seq: number; hash: string }>("SELECT seq, hash FROM AuditRecord ORDER BY seq DESC LIMIT 1").get();
  db.close();
  if (row && row.seq > head.seq) {
    head = { seq: row.seq, hash: row.hash };
    if (current) closeSync(current.fd);
    current = null;
  }
}

let broken: string | null = null;

/**
 * Records go to the indexer every HANDOFF_MS rather than per batch: each message wakes the
 * indexer thread, and on a busy core that wake-up preempts the request path.
 */
const HANDOFF_MS = 100;
let handoff: LogRecord[] = [];
let handoffTimer: NodeJS.Timeout | null = null;

function handOff(): void {
  if (handoffTimer) clearTimeout(handoffTimer);
  handoffTimer = null;
  if (handoff.length === 0) return;
  indexer.postMessage({ rows: JSON.stringify(handoff) } satisfies IndexerMessage);
  handoff = [];
}

function openSegment(firstSeq: number): { fd: number; size: number } {
  const fd = openSync(path.join(dir, segmentName(firstSeq)), "a", 0o600);
  // The new file's directory entry must be durable too, or the segment could vanish on power loss.
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return { fd, size: fstatSync(fd).size };
}

function append(rows: WireFields[]): LogRecord[] {
  if (broken) throw new Error(broken);
  let prev = head.hash;
  let seq = head.seq;
  const linked = rows.map((row): LogRecord => {
    const hash = chainHash(prev, { ...row, time: new Date(row.time) });
    const r = { ...row, seq: ++seq, prevHash: prev, hash };
    prev = hash;
    return r;
  });
  const bytes = Buffer.from(linked.map(encodeRecord).join(""), "utf8");
  if (!current || current.size + bytes.length > SEGMENT_BYTES) {
    if (current) closeSync(current.fd);
    current = null;
    current = openSegment(head.seq + 1);
  }
  const seg = current;
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(seg.fd, bytes, off, bytes.length - off);
    fdatasyncSync(seg.fd);
  } catch (err) {
    // Bytes of a failed batch must not stay in front of later ones: the reader stops at them.
    try {
      ftruncateSync(seg.fd, seg.size);
      fdatasyncSync(seg.fd);
    } catch {
      broken = "the audit log could not be repaired after a failed write";
    }
    throw err;
  }
  seg.size += bytes.length;
  head = { seq, hash: prev };
  return linked;
}

parentPort!.postMessage("ready");

parentPort!.on("message", (msg: WorkerRequest | "close") => {
  if (msg === "close") {
    // The indexer gets "close" after every batch sent before it; the main thread ends
    // this thread once the indexer has exited, so no message is lost in between.
    if (current) closeSync(current.fd);
    current = null;
    broken = "the audit log is closed";
    lock.close();
    handOff();
    indexer.postMessage("close" satisfies IndexerMessage);
    return;
  }
  if ("sync" in msg) {
    handOff();
    indexer.postMessage({ sync: msg.id } satisfies IndexerMessage);
    return;
  }
  let linked: LogRecord[];
  try {
    linked = append(JSON.parse(msg.rows) as WireFields[]);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (err as Error).message.split("\n")[0] ?? "unknown" } satisfies WorkerReply);
    return;
  }
  parentPort!.postMessage({ id: msg.id, ok: true } satisfies WorkerReply);
  for (const r of linked) handoff.push(r);
  if (handoff.length >= 5000) handOff();
  else handoffTimer ??= setTimeout(handOff, HANDOFF_MS);
});
