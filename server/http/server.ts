/**
 * The one HTTPS listener: the REST paths go to the fast REST app, everything else to
 * Next's request handler (console pages, /api/trpc, /api/auth). It counts in-flight
 * requests so shutdown can wait for them.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TlsMaterial } from "./tls";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function isRestPath(url: string): boolean {
  return (
    url.startsWith("/api/v1/") ||
    url === "/api/v1" ||
    url.startsWith("/.well-known/") ||
    /^\/(health|ready|metrics)(\?|$)/.test(url)
  );
}

export interface ArcanServer {
  server: Server;
  inFlight(): number;
}

export function createArcanServer(tls: TlsMaterial, rest: Handler, web: Handler): ArcanServer {
  let inFlight = 0;
  const server = createServer({ key: tls.key, cert: tls.cert, minVersion: "TLSv1.2" }, (req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
    const url = req.url ?? "/";
    void (isRestPath(url) ? rest(req, res) : web(req, res));
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  return { server, inFlight: () => inFlight };
}
