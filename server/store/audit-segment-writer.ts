/**
 * The writing end of the embedded store's segment log (audit-log.ts), on the main thread.
 * Each group-committed batch is linked onto the hash chain and written to the segment at
 * once (`write` to the page cache, a few µs); one `fdatasync` after another, on libuv's
 * thread pool, makes everything written before it started durable, and only then are its
 * batches' promises resolved, so a request is answered after its record is durable.
 * Batches written while a sync runs wait for the next one: the disk is never idle while
 * requests wait, and each sync covers as many batches as arrived during the previous one.
 * (A worker thread did this before; its message round trip and wake-ups per batch cost
 * more than the writing itself on a busy core.)
 */
import Database from "better-sqlite3";
import { closeSync, fdatasync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, openSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { canonicalJson, GENESIS_HASH, hashCanonical, type ChainFields } from "./audit-chain";
import { encodeLine, ensureLogDir, listSegments, logDir, readSegment, SEGMENT_BYTES, segmentName, truncateToValid } from "./audit-log";

interface Waiter {
  /** Logical log position (bytes over all segments) the batch ends at. */
  end: number;
  bytes: Buffer;
  resolve: (bytes: Buffer) => void;
  reject: (err: Error) => void;
}

interface Segment {
  fd: number;
  size: number;
}

type Head = { seq: number; hash: string };

const SYNC_FAILED = "the audit log could not be synced to disk; restart to repair it";

/**
 * Syncs start at most this often, so on a very fast disk each sync still covers several
 * batches; a lone request (nothing synced within the interval) is synced at once. It is
 * short because every request waits for the next sync: measured here (an fdatasync takes
 * ~0.12 ms), 1 ms capped the audit floor (bench/hello-audited.ts) at ~16k answers/s with
 * 32 connections and the core half idle; 0.25 ms gives ~22k.
 */
const MIN_SYNC_INTERVAL_MS = 0.25;

export class SegmentLogWriter {
  /** The head the next record links onto: everything written, durable or not. */
  private head: Head = { seq: 0, hash: GENESIS_HASH };
  private current: Segment | null = null;
  /** Set once a sync has failed: after that the kernel may have dropped written pages, so nothing more is written until a restart repairs the log. */
  private broken: string | null = null;
  private writtenEnd = 0;
  private durableEnd = 0;
  private waiters: Waiter[] = [];
  private syncing = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private lastSyncStart = -Infinity;
  /** Segments closed by a rotation while a sync was still running on them. */
  private retired: number[] = [];
  private idle: (() => void)[] = [];

  private constructor(
    private readonly dir: string,
    private readonly lock: Database.Database,
    private readonly segmentBytes: number,
  ) {}

  /**
   * Opens the log for writing. Start-up repair: the newest segment is cut back to its valid
   * part (a crash can leave a torn record that was never acknowledged) and the chain head
   * taken from it, or from the table when the log is empty (a store that predates the log,
   * or whose segments were all indexed and removed).
   */
  static open(dbFile: string, { segmentBytes = SEGMENT_BYTES }: { segmentBytes?: number } = {}): SegmentLogWriter {
    const dir = logDir(dbFile);
    ensureLogDir(dir);
    // One writer per log: SQLite's lock on this file is held while the log is open and,
    // being an OS file lock, released when the process dies (a pid file would outlive kill -9).
    const lock = new Database(path.join(dir, "writer.lock"), { timeout: 3000 });
    try {
      lock.pragma("locking_mode = EXCLUSIVE");
      lock.exec("BEGIN EXCLUSIVE");
    } catch (err) {
      lock.close();
      throw err;
    }
    const log = new SegmentLogWriter(dir, lock, segmentBytes);
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
      log.head = { seq: last.seq, hash: last.hash };
      if (validBytes < segmentBytes) log.current = { fd: openSync(seg.file, "a", 0o600), size: validBytes };
      break;
    }
    const db = new Database(dbFile, { readonly: true, timeout: 10_000 });
    const row = db.prepare<[], { seq: number; hash: string }>("SELECT seq, hash FROM AuditRecord ORDER BY seq DESC LIMIT 1").get();
    db.close();
    if (row && row.seq > log.head.seq) {
      log.head = { seq: row.seq, hash: row.hash };
      if (log.current) closeSync(log.current.fd);
      log.current = null;
    }
    return log;
  }

  /** Links and writes `rows` in order; resolves with their log lines (UTF-8) once they are durable. */
  append(rows: readonly ChainFields[]): Promise<Buffer> {
    if (this.broken) return Promise.reject(new Error(this.broken));
    let prev = this.head.hash;
    let seq = this.head.seq;
    let lines = "";
    for (const row of rows) {
      const canonical = canonicalJson(row);
      const hash = hashCanonical(prev, canonical);
      lines += encodeLine(++seq, canonical, prev, hash);
      prev = hash;
    }
    const bytes = Buffer.from(lines, "utf8");
    try {
      if (!this.current || (this.current.size > 0 && this.current.size + bytes.length > this.segmentBytes)) this.rotate();
      this.writeAll(this.current!, bytes);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    this.head = { seq, hash: prev };
    this.writtenEnd += bytes.length;
    const done = new Promise<Buffer>((resolve, reject) => this.waiters.push({ end: this.writtenEnd, bytes, resolve, reject }));
    this.scheduleSync();
    return done;
  }

  /** A failed write is cut off again (the reader would stop at it) and refused; later batches go on. */
  private writeAll(seg: Segment, bytes: Buffer): void {
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(seg.fd, bytes, off, bytes.length - off);
    } catch (err) {
      try {
        ftruncateSync(seg.fd, seg.size);
      } catch {
        this.broken = "the audit log could not be repaired after a failed write";
      }
      throw err;
    }
    seg.size += bytes.length;
  }

  private scheduleSync(): void {
    if (this.syncing || this.syncTimer) return;
    const wait = this.lastSyncStart + MIN_SYNC_INTERVAL_MS - performance.now();
    if (wait <= 0) return this.syncNext();
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      this.syncNext();
    }, wait);
  }

  private syncNext(): void {
    const seg = this.current!;
    this.lastSyncStart = performance.now();
    const end = this.writtenEnd;
    this.syncing = true;
    fdatasync(seg.fd, (err) => {
      this.syncing = false;
      for (const fd of this.retired.splice(0)) closeSync(fd);
      if (err) {
        this.broken = SYNC_FAILED;
        for (const w of this.waiters.splice(0)) w.reject(err);
      } else {
        this.settleTo(end);
        if (this.writtenEnd > this.durableEnd) return this.scheduleSync();
      }
      for (const resolve of this.idle.splice(0)) resolve();
    });
  }

  private settleTo(end: number): void {
    // A sync that was running on a segment a rotation has since synced ends behind it.
    this.durableEnd = Math.max(this.durableEnd, end);
    end = this.durableEnd;
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.end <= end) n++;
    for (const w of this.waiters.splice(0, n)) w.resolve(w.bytes);
  }

  /** Starts the next segment once the current one is durable (a synchronous sync; once per segment). */
  private rotate(): void {
    const old = this.current;
    if (old) {
      try {
        fdatasyncSync(old.fd);
      } catch (err) {
        this.broken = SYNC_FAILED;
        throw err;
      }
      this.settleTo(this.writtenEnd);
      // A sync still running on the old file holds its descriptor until it returns.
      if (this.syncing) this.retired.push(old.fd);
      else closeSync(old.fd);
    }
    this.current = null;
    const fd = openSync(path.join(this.dir, segmentName(this.head.seq + 1)), "a", 0o600);
    // The new file's directory entry must be durable too, or the segment could vanish on power loss.
    const dirFd = openSync(this.dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.current = { fd, size: fstatSync(fd).size };
  }

  /** Waits for the sync in flight, then closes the log and releases the writer lock. */
  async close(): Promise<void> {
    if (this.syncing || this.syncTimer) await new Promise<void>((resolve) => this.idle.push(resolve));
    this.broken = "the audit log is closed";
    if (this.current) closeSync(this.current.fd);
    this.current = null;
    this.lock.close();
  }
}
