/**
 * The two hottest store operations on the embedded SQLite file, without Prisma: reading
 * a secret version (a prepared statement on a second, read-mostly connection) and
 * making audit batches durable (see audit-segment-writer.ts and audit-indexer.ts). Measured here, a
 * Prisma call costs 150-230 µs and a prepared better-sqlite3 statement 3-8 µs
 * (shared/notes/toolchain-facts.md), and both run on every secret read.
 *
 * The reading connection never waits for a lock (busy timeout 0): better-sqlite3 waits
 * synchronously and would freeze the event loop. WAL readers do not need the write lock,
 * so a busy answer is rare; the caller then falls back to Prisma.
 */
import Database from "better-sqlite3";
import { Worker } from "node:worker_threads";
import type { ChainFields } from "./audit-chain";
import type { IndexerMessage, IndexerReply } from "./audit-indexer";
import { SegmentLogWriter } from "./audit-segment-writer";

export interface SecretVersionRow {
  secretCreatedAt: Date;
  version: number;
  ciphertext: string;
  keyVersion: number;
  versionCreatedAt: Date;
}

export interface FastPath {
  /** null when not found; undefined when the file was busy (use the slow path). */
  readSecret(realmId: string, key: string, version?: number): SecretVersionRow | null | undefined;
  /** Chains and logs the records in order; resolves once they are durable in the segment log. */
  appendAudit(rows: ChainFields[]): Promise<void>;
  /** Resolves once the AuditRecord table holds every record appended before this call. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Recent rows kept at most (the map is emptied when full: it is refilled by the next reads). */
const RECENT_ROWS = 4096;

type Row = { sc: string; version: number; ciphertext: string; keyVersion: number; vc: string };

export async function openSqliteFastPath(file: string): Promise<FastPath> {
  const db = new Database(file);
  db.pragma("busy_timeout = 0");
  const readCurrent = db.prepare<[string, string], Row>(
    `SELECT s.createdAt AS sc, v.version, v.ciphertext, v.keyVersion, v.createdAt AS vc
       FROM Secret s JOIN SecretVersion v ON v.secretId = s.id AND v.version = s.currentVersion
      WHERE s.realmId = ? AND s.key = ?`,
  );
  const readVersion = db.prepare<[string, string, number], Row>(
    `SELECT s.createdAt AS sc, v.version, v.ciphertext, v.keyVersion, v.createdAt AS vc
       FROM Secret s JOIN SecretVersion v ON v.secretId = s.id
      WHERE s.realmId = ? AND s.key = ? AND v.version = ?`,
  );

  // Rows read since the file last changed, so a repeated read costs one PRAGMA instead of
  // the join and two date parses. data_version changes with every commit by another
  // connection, and every writer is one (Prisma's, the indexer's, other processes'): this
  // connection only reads. A row handed out is shared by later reads: callers must not change it.
  const dataVersion = db.prepare("PRAGMA data_version").pluck();
  let seenFileVersion = -1;
  const recent = new Map<string, SecretVersionRow>();

  const log = await startAuditLog(file).catch((err: unknown) => {
    db.close();
    throw err;
  });
  return {
    readSecret(realmId, key, version) {
      // The realm id has no "/" and the version is a number, so the key (last) cannot make two reads collide.
      const cacheKey = `${realmId}/${version ?? ""}/${key}`;
      let row: Row | undefined;
      try {
        const fileVersion = dataVersion.get() as number;
        if (fileVersion !== seenFileVersion) {
          recent.clear();
          seenFileVersion = fileVersion;
        } else {
          const hit = recent.get(cacheKey);
          if (hit) return hit;
        }
        row = version === undefined ? readCurrent.get(realmId, key) : readVersion.get(realmId, key, version);
      } catch (err) {
        if ((err as { code?: string }).code === "SQLITE_BUSY") return undefined;
        throw err;
      }
      if (!row) return null;
      const found = { secretCreatedAt: new Date(row.sc), version: row.version, ciphertext: row.ciphertext, keyVersion: row.keyVersion, versionCreatedAt: new Date(row.vc) };
      if (recent.size >= RECENT_ROWS) recent.clear();
      recent.set(cacheKey, found);
      return found;
    },
    appendAudit: log.appendAudit,
    settle: log.settle,
    async close() {
      db.close();
      await log.close();
    },
  };
}

/** Durable lines are handed to the indexer this often rather than per batch: each message wakes its thread. */
const HANDOFF_MS = 100;
const HANDOFF_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The audit log's two ends: the writer on this thread (audit-segment-writer.ts: chain,
 * segment log, fdatasync) and the indexer thread (audit-indexer.ts: log to AuditRecord
 * table). The writer repairs the log before the indexer rebuilds the table from it; both
 * finish before the store is handed out, so the first request already sees every record.
 */
async function startAuditLog(file: string): Promise<Pick<FastPath, "appendAudit" | "settle" | "close">> {
  const writer = SegmentLogWriter.open(file);
  let indexer: Worker;
  try {
    indexer = startIndexer(file);
    await ready(indexer);
  } catch (err) {
    await writer.close();
    throw err;
  }
  indexer.unref();

  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  indexer.on("message", (reply: IndexerReply | string) => {
    if (typeof reply === "string") return;
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve();
    else p?.reject(new Error(`audit index commit failed: ${reply.error}`));
  });
  indexer.on("error", (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  const send = (msg: IndexerMessage, transfer: ArrayBuffer[] = []) => indexer.postMessage(msg, transfer);

  // Durable lines waiting for the next hand-off. They go over as one buffer whose memory is
  // transferred, not copied: cloning a megabyte string cost the main thread ~5% of its time.
  // Not Buffer.concat: a small result shares Node's buffer pool, and transferring it would
  // take the pool away from every other Buffer.
  let handoff: Buffer[] = [];
  let handoffBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  const handOff = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (handoffBytes === 0) return;
    const bytes = new Uint8Array(handoffBytes);
    let offset = 0;
    for (const chunk of handoff) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    handoff = [];
    handoffBytes = 0;
    send({ bytes }, [bytes.buffer]);
  };

  return {
    async appendAudit(rows) {
      const bytes = await writer.append(rows);
      handoff.push(bytes);
      handoffBytes += bytes.length;
      if (handoffBytes >= HANDOFF_MAX_BYTES) handOff();
      else if (!timer) {
        timer = setTimeout(handOff, HANDOFF_MS);
        timer.unref();
      }
    },
    settle() {
      handOff();
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ sync: id });
      });
    },
    async close() {
      await writer.close();
      handOff();
      // Keep the process alive until the indexer has committed what it was sent.
      indexer.ref();
      const exited = new Promise((r) => indexer.once("exit", r));
      send("close");
      await exited;
    },
  };
}

function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (m !== "ready") return;
      worker.off("error", onError);
      worker.off("message", onMessage);
      resolve();
    };
    const onError = (err: Error) => {
      worker.off("message", onMessage);
      reject(err);
    };
    worker.on("message", onMessage);
    worker.once("error", onError);
  });
}

/**
 * From source (tsx), the indexer is ./audit-indexer.ts and needs the TypeScript loader,
 * which workers do not inherit; from the production bundle (dist/server/main.mjs, see
 * scripts/build-server.ts) it is the compiled dist/server/store/audit-indexer.mjs.
 */
function startIndexer(file: string): Worker {
  const here = import.meta.url;
  const workerData = { file };
  if (!here.endsWith(".ts")) return new Worker(new URL("./store/audit-indexer.mjs", here), { workerData });
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./audit-indexer.ts", here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
