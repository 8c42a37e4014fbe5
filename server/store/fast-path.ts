/**
 * The two hottest store operations on the embedded SQLite file, without Prisma: reading
 * a secret version (a prepared statement on a second, read-mostly connection) and
 * committing audit batches (in a worker thread, see audit-worker.ts). Measured here, a
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
  /** Chains and commits the records in order; resolves once they are durable. */
  appendAudit(rows: ChainFields[]): Promise<void>;
  close(): Promise<void>;
}

type Row = { sc: string; version: number; ciphertext: string; keyVersion: number; vc: string };

export function openSqliteFastPath(file: string): FastPath {
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

  const worker = startAuditWorker(file);
  worker.unref();
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on("message", (reply: WorkerReply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve();
    else p?.reject(new Error(`audit commit failed: ${reply.error}`));
  });
  worker.on("error", (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
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
      const id = nextId++;
      // One JSON string clones faster across threads than an array of objects.
      const message: WorkerRequest = { id, rows: JSON.stringify(rows) };
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(message);
      });
    },
    async close() {
      db.close();
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage("close");
      await new Promise((r) => worker.once("exit", r));
    },
  };
}

/**
 * From source (tsx), the worker is ./audit-worker.ts and needs the TypeScript loader,
 * which workers do not inherit; from the production bundle (dist/server/main.mjs, see
 * scripts/build-server.ts) it is the compiled dist/server/store/audit-worker.mjs.
 */
function startAuditWorker(file: string): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./store/audit-worker.mjs", here), { workerData: { file } });
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./audit-worker.ts", here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { file } });
}
