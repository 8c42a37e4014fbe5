// server/store/audit-worker.ts
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

// server/audit/chain.ts
import { createHash } from "node:crypto";
var GENESIS_HASH = "0".repeat(64);
function chainHash(prevHash, r) {
  const canonical = JSON.stringify([
    r.id,
    r.time.toISOString(),
    r.requestId,
    r.actor,
    r.action,
    r.realm,
    r.resource,
    r.outcome,
    r.status,
    r.capability,
    r.reason,
    r.ip,
    r.details
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(canonical).digest("hex");
}

// server/store/audit-worker.ts
var db = new Database(workerData.file);
db.pragma("journal_mode = WAL");
db.pragma(process.env.EXP_SYNC ?? "synchronous = FULL");
db.pragma("busy_timeout = 10000");
var lastHash = db.prepare("SELECT hash FROM AuditRecord ORDER BY seq DESC LIMIT 1");
var insert = db.prepare(
  `INSERT INTO AuditRecord (id, time, requestId, actor, action, realm, resource, outcome, status, capability, reason, ip, details, prevHash, hash)
   VALUES (@id, @time, @requestId, @actor, @action, @realm, @resource, @outcome, @status, @capability, @reason, @ip, @details, @prevHash, @hash)`
);
var append = db.transaction((rows) => {
  let prev = lastHash.get()?.hash ?? GENESIS_HASH;
  for (const row of rows) {
    const time = new Date(row.time);
    const hash = chainHash(prev, { ...row, time });
    insert.run({ ...row, time: time.toISOString().replace("Z", "+00:00"), prevHash: prev, hash });
    prev = hash;
  }
});
parentPort.on("message", (msg) => {
  if (msg === "close") {
    db.close();
    process.exit(0);
  }
  try {
    append.immediate(JSON.parse(msg.rows));
    parentPort.postMessage({ id: msg.id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: err.message.split("\n")[0] ?? "unknown" });
  }
});
//# sourceMappingURL=audit-worker.mjs.map
