/** The baseline: a bare node:https hello-world with the same kind of certificate Arcan makes. */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

const [certFile, keyFile] = process.argv.slice(2) as [string, string];
const body = JSON.stringify({ ok: true });
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (_req, res) => {
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
