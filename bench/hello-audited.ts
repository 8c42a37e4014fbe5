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
import { decisionAuditEntry } from "../server/decisions/service";
import { newId } from "../server/ids";
import { openStore } from "../server/store/client";

const [certFile, keyFile, dataDir, shape = "secret"] = process.argv.slice(2) as [string, string, string, string?];
const actor = { principal: { subject: "tok_0123456789abcdefghij" }, ip: "127.0.0.1" };

function secretRead(requestId: string): AuditEntry {
  const where = { realm: "bench", resource: "secret:DATABASE_URL", capability: "secrets:read" };
  return { requestId, actor: actor.principal.subject, action: "secret.read", outcome: "success", status: 200, ip: actor.ip, ...where, details: { version: 1 } };
}

/** The record DecisionService writes for an allowed jira.read, built by the same function. */
function decision(requestId: string): AuditEntry {
  const context = { task: "reconcile-invoices-q3", scopes: [] };
  return decisionAuditEntry({ ...actor, requestId }, {
    id: newId("dec"), time: new Date(), requestId, caller: actor.principal.subject, source: "principal",
    principal: {
      user: { id: "u.olsen", email: "u.olsen@example.com", roles: ["finance"], groups: ["emea"] },
      agent: { id: "pk-93f", name: "invoice-reconciler", trust_tier: 2 },
      workload: { sub: "spiffe://corp/ns/sre/pod.sre-prod-4", issuer: "https://spire.corp", attested: true, network: "corp-vpn" },
    },
    task: context.task, scopes: [], action: "jira.read", resource: { type: "project", id: "FIN-OPS", attributes: {} }, context,
    decision: "allow", lane: "allow", policyId: "jira_finance.allow", policyVersion: 1, matched: ["jira_finance.allow"], reasons: [],
    reviewId: null, latencyUs: 40, shadow: null,
  }, null);
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
