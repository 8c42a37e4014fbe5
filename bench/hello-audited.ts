/**
 * The audit floor: the bare node:https hello-world of hello-https.ts, except that each
 * answer waits for one durable audit record shaped like a secret read's, written by
 * Arcan's own AuditWriter on the embedded store (hash chain, segment log, fdatasync,
 * indexer thread). No auth, routing, store read or decryption: what any design that keeps
 * "the record is durable before the answer" pays at least, on this machine.
 *
 *   hello-audited.ts <cert> <key> <dataDir>
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import pino from "pino";
import { AuditWriter } from "../server/audit/writer";
import { openStore } from "../server/store/client";

const [certFile, keyFile, dataDir] = process.argv.slice(2) as [string, string, string];
const store = await openStore({ dataDir });
const audit = new AuditWriter(store, pino({ level: "silent" }));
const body = JSON.stringify({ ok: true });
let n = 0;
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  req.resume();
  req.on("end", () => {
    const entry = {
      requestId: `req-${++n}`,
      actor: "tok_0123456789abcdefghij",
      action: "secret.read",
      outcome: "success" as const,
      status: 200,
      realm: "bench",
      resource: "secret:DATABASE_URL",
      capability: "secrets:read",
      ip: "127.0.0.1",
      details: { version: 1 },
    };
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
