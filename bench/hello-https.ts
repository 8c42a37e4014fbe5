/**
 * The baselines: a bare node:https hello-world with the same kind of certificate Arcan
 * makes (`hello-https.ts <cert> <key>`), or, without a certificate, a bare node:http
 * server — the gateway benchmark's upstream. The request body is read before answering.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";

const [certFile, keyFile] = process.argv.slice(2) as [string | undefined, string | undefined];
const body = JSON.stringify({ ok: true });
const answer = (req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
};
const server = certFile && keyFile ? createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, answer) : createHttpServer(answer);
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
