/**
 * Worker thread that commits audit batches to the embedded SQLite file. Committing with
 * synchronous=FULL waits for fsync; doing it here keeps the main thread serving requests
 * meanwhile, so the next batch grows while this one is on its way to disk. The worker may
 * wait for the write lock (busy_timeout) without freezing the event loop.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { linkRecords, type ChainFields } from "./audit-chain";

export type WireFields = Omit<ChainFields, "time"> & { time: string };
/** `rows` is a JSON array of WireFields. */
export type WorkerRequest = { id: number; rows: string };
export type WorkerReply = { id: number; ok: true } | { id: number; ok: false; error: string };

const db = new Database((workerData as { file: string }).file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 10000");
// Asserted, not assumed: every audit commit must reach the disk before its request is answered.
if (db.pragma("synchronous", { simple: true }) !== 2) throw new Error("audit connection: PRAGMA synchronous did not stay FULL");

const lastHash = db.prepare<[], { hash: string }>("SELECT hash FROM AuditRecord ORDER BY seq DESC LIMIT 1");
const insert = db.prepare(
  `INSERT INTO AuditRecord (id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const append = db.transaction((rows: WireFields[]) => {
  const linked = linkRecords(lastHash.get()?.hash ?? null, rows.map((row) => ({ ...row, time: new Date(row.time) })));
  for (const r of linked) {
    // Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset.
    const sqliteTime = r.time.toISOString().replace("Z", "+00:00");
    insert.run(r.id, sqliteTime, r.requestId, r.actor, r.action, r.realm, r.resource, r.outcome, r.status, r.capability, r.reason, r.ip, r.details, r.prevHash, r.hash);
  }
});

parentPort!.on("message", (msg: WorkerRequest | "close") => {
  if (msg === "close") {
    db.close();
    process.exit(0);
  }
  try {
    append.immediate(JSON.parse(msg.rows) as WireFields[]);
    parentPort!.postMessage({ id: msg.id, ok: true } satisfies WorkerReply);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (err as Error).message.split("\n")[0] ?? "unknown" } satisfies WorkerReply);
  }
});
