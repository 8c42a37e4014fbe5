/**
 * The audit floor: the bare node:https hello-world of hello-https.ts, except that each
 * answer waits for one durable audit record shaped like a secret read's, written by
 * Arcan's own AuditWriter on the embedded store (hash chain, segment log, fdatasync,
 * indexer thread). No auth, routing, store read or decryption: what any design that keeps
 * "the record is durable before the answer" pays at least, on this machine. With
 * `decision`, the record is shaped like POST /authorize's (the decision it carries is
 * indexed as a decision-log row too).
 *
 *   hello-audited.ts <cert> <key> <dataDir> [secret|decision]
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import pino from "pino";
import { AuditWriter, type AuditEntry } from "../server/audit/writer";
import { newId } from "../server/ids";
import { openStore } from "../server/store/client";
import { DECISION_AUDIT_ACTION, DECISION_RECORD_KEY, type RecordedDecision } from "../server/store/decision-rows";

const [certFile, keyFile, dataDir, shape = "secret"] = process.argv.slice(2) as [string, string, string, string?];

const principal = {
  user: { id: "u.olsen", email: "u.olsen@example.com", roles: ["finance"], groups: ["emea"] },
  agent: { id: "pk-93f", name: "invoice-reconciler", trust_tier: 2 },
  workload: { sub: "spiffe://corp/ns/sre/pod.sre-prod-4", issuer: "https://spire.corp", attested: true, network: "corp-vpn" },
};

function secretRead(requestId: string): AuditEntry {
  const where = { realm: "bench", resource: "secret:DATABASE_URL", capability: "secrets:read" };
  return { requestId, actor: "tok_0123456789abcdefghij", action: "secret.read", outcome: "success", status: 200, ip: "127.0.0.1", ...where, details: { version: 1 } };
}

/** What DecisionService.record writes for an allowed jira.read (server/decisions/service.ts). */
function decision(requestId: string): AuditEntry {
  const id = newId("dec");
  const record: RecordedDecision = {
    id, time: new Date().toISOString(), request_id: requestId, caller: "tok_0123456789abcdefghij", source: "principal",
    decision: "allow", lane: "allow", policy_id: "jira_finance.allow", policy_version: 1, matched: ["jira_finance.allow"], reasons: [],
    review_id: null, evaluated_in_us: 40, principal, task: "reconcile-invoices-q3", scopes: [], action: "jira.read",
    resource: { type: "project", id: "FIN-OPS", attributes: {} }, context: { task: "reconcile-invoices-q3", scopes: [] }, shadow: null,
  };
  const summary = { decision_id: id, decision: "allow", lane: "allow", policy_id: "jira_finance.allow", policy_version: 1, matched: ["jira_finance.allow"], composite: "u.olsen/pk-93f/spiffe://corp/ns/sre/pod.sre-prod-4", user: "u.olsen", agent: "pk-93f", workload: principal.workload.sub, task: "reconcile-invoices-q3", action: "jira.read", review_id: null, evaluated_in_us: 40 };
  return { requestId, actor: "tok_0123456789abcdefghij", action: DECISION_AUDIT_ACTION, outcome: "success", status: 200, ip: "127.0.0.1", resource: "project/FIN-OPS", capability: "decisions:evaluate", details: { ...summary, [DECISION_RECORD_KEY]: record } };
}
const entryFor = shape === "decision" ? decision : secretRead;
const store = await openStore({ dataDir });
const audit = new AuditWriter(store, pino({ level: "silent" }));
const body = JSON.stringify({ ok: true });
let n = 0;
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  req.resume();
  req.on("end", () => {
    const entry = entryFor(`req-${++n}`);
    audit.append(entry).then(
      () => {
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
        res.end(body);
      },
      () => {
        res.writeHead(503).end();
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () =>
  server.close(() => {
    void audit
      .drain()
      .then(() => store.close())
      .finally(() => process.exit(0));
  }),
);
