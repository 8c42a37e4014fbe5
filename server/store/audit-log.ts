/**
 * The embedded store's audit segment log: the durable copy of every audit record, one
 * JSON line per record, in files `audit-log/<first seq, 16 digits>.log` next to arcan.db.
 * Records are appended (and fdatasync'ed) before their request is answered; the
 * AuditRecord table is an index derived from the log (see server/audit/README.md).
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ChainFields } from "./audit-chain";

/** A record as the log and the index store it: chain fields with the time as ISO text. */
export type LogRecord = Omit<ChainFields, "time"> & { time: string; seq: number; prevHash: string; hash: string };

export const SEGMENT_BYTES = 32 * 1024 * 1024;

export function logDir(dbFile: string): string {
  return path.join(path.dirname(dbFile), "audit-log");
}

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, "0")}.log`;
}

/** Segment files in chain order, each with the seq its first record has. */
export function listSegments(dir: string): { file: string; firstSeq: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{16}\.log$/.test(f))
    .sort()
    .map((f) => ({ file: path.join(dir, f), firstSeq: Number(f.slice(0, 16)) }));
}

/**
 * A record's log line: `[seq, <the chain's canonical fields>, prevHash, hash]`. Built from
 * the canonical JSON the hash was computed over (audit-chain.ts), whose fields are the
 * line's in the same order, so a record is serialised once.
 */
export function encodeLine(seq: number, canonical: string, prevHash: string, hash: string): string {
  return `[${seq},${canonical.slice(1, -1)},"${prevHash}","${hash}"]\n`;
}

function decodeRecord(line: string): LogRecord | null {
  let a: unknown;
  try {
    a = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(a) || a.length !== 16 || typeof a[0] !== "number" || typeof a[15] !== "string" || typeof a[14] !== "string") return null;
  const [seq, id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash] = a as [
    number, string, string, string, string, string, string | null, string | null, string, number, string | null, string | null, string | null, string, string, string,
  ];
  return { seq, id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash };
}

/** Records from whole log lines the writer has just made durable (the indexer's input). */
export function decodeLines(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const r = decodeRecord(line);
    if (!r) throw new Error("the audit log handed the indexer a line it cannot read");
    records.push(r);
  }
  return records;
}

/**
 * Reads a segment's records in order and where the valid part ends. Reading stops at the
 * first line that is incomplete, unparsable, or does not link to the one before (seq + 1,
 * prev_hash = previous hash): only bytes written after the last fdatasync, i.e. never an
 * acknowledged record, can be damaged that way by a crash.
 */
export function readSegment(file: string, firstSeq: number): { records: LogRecord[]; validBytes: number } {
  const buf = readFileSync(file);
  const records: LogRecord[] = [];
  let start = 0;
  let prev: LogRecord | null = null;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    const r = decodeRecord(buf.toString("utf8", start, nl));
    if (!r) break;
    if (prev ? r.seq !== prev.seq + 1 || r.prevHash !== prev.hash : r.seq !== firstSeq) break;
    records.push(r);
    prev = r;
    start = nl + 1;
  }
  return { records, validBytes: start };
}

/** Cuts a segment back to its valid part (the writer does this once at start-up). */
export function truncateToValid(file: string, validBytes: number): void {
  const fd = openSync(file, "r+");
  try {
    if (fstatSync(fd).size > validBytes) ftruncateSync(fd, validBytes);
  } finally {
    closeSync(fd);
  }
}

export function ensureLogDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
