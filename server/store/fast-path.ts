/**
 * The two hottest store operations on the embedded SQLite file, without Prisma: reading
 * a secret version (a prepared statement on a second, read-mostly connection) and
 * making audit batches durable (in worker threads, see audit-worker.ts and audit-indexer.ts). Measured here, a
 * Prisma call costs 150-230 µs and a prepared better-sqlite3 statement 3-8 µs
 * (shared/notes/toolchain-facts.md), and both run on every secret read.
 *
 * The reading connection never waits for a lock (busy timeout 0): better-sqlite3 waits
 * synchronously and would freeze the event loop. WAL readers do not need the write lock,
 * so a busy answer is rare; the caller then falls back to Prisma.
 */
import Database from "better-sqlite3";
import { MessageChannel, Worker, type Transferable } from "node:worker_threads";
import type { ChainFields } from "./audit-chain";
import type { WorkerReply, WorkerRequest } from "./audit-worker";

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

  const log = await startAuditLog(file).catch((err: unknown) => {
    db.close();
    throw err;
  });
  return {
    readSecret(realmId, key, version) {
      let row: Row | undefined;
      try {
        row = version === undefined ? readCurrent.get(realmId, key) : readVersion.get(realmId, key, version);
      } catch (err) {
        if ((err as { code?: string }).code === "SQLITE_BUSY") return undefined;
        throw err;
      }
      if (!row) return null;
      return { secretCreatedAt: new Date(row.sc), version: row.version, ciphertext: row.ciphertext, keyVersion: row.keyVersion, versionCreatedAt: new Date(row.vc) };
    },
    appendAudit(rows) {
      // One JSON string clones faster across threads than an array of objects.
      return log.call((id) => ({ id, rows: JSON.stringify(rows) }));
    },
    settle() {
      return log.call((id) => ({ id, sync: true }));
    },
    async close() {
      db.close();
      await log.close();
    },
  };
}

/**
 * The two audit threads: the writer (audit-worker.ts: chain + segment log + fdatasync)
 * and the indexer (audit-indexer.ts: log to AuditRecord table), joined by a MessagePort
 * so records go from one to the other without passing through this thread. The writer
 * repairs the log before the indexer rebuilds the table from it; both finish before the
 * store is handed out, so the first request already sees every record.
 */
async function startAuditLog(file: string): Promise<{ call: (make: (id: number) => WorkerRequest) => Promise<void>; close: () => Promise<void> }> {
  const { port1, port2 } = new MessageChannel();
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const onReply = (reply: WorkerReply | string) => {
    if (typeof reply === "string") return;
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve();
    else p?.reject(new Error(`audit commit failed: ${reply.error}`));
  };
  const onError = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const writer = startWorker("audit-worker", { file, indexer: port1 }, [port1]);
  await ready(writer);
  const indexer = startWorker("audit-indexer", { file, writer: port2 }, [port2]);
  await ready(indexer);
  for (const w of [writer, indexer]) {
    w.unref();
    w.on("message", onReply);
    w.on("error", onError);
  }
  return {
    call(make) {
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        writer.postMessage(make(id));
      });
    },
    async close() {
      // Keep the process alive until the indexer has committed what the writer sent it.
      indexer.ref();
      const exited = new Promise((r) => indexer.once("exit", r));
      writer.postMessage("close");
      await exited;
      await writer.terminate();
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
 * From source (tsx), the worker is ./audit-worker.ts and needs the TypeScript loader,
 * which workers do not inherit; from the production bundle (dist/server/main.mjs, see
 * scripts/build-server.ts) it is the compiled dist/server/store/audit-worker.mjs.
 */
function startWorker(name: "audit-worker" | "audit-indexer", workerData: object, transferList: Transferable[]): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL(`./store/${name}.mjs`, here), { workerData, transferList });
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const entry = new URL(`./${name}.ts`, here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}
