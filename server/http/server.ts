/**
 * The one HTTPS listener: the REST paths go to the fast REST app, everything else to
 * Next's request handler (console pages, /api/trpc, /api/auth). Requests neither can
 * route, and framing errors Node's parser reports, are answered here as problem+json.
 * It counts in-flight requests so shutdown can wait for them.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { newRequestId } from "../ids";
import { sendProblem } from "../rest/http";
import { answerClientError, EXPECTATION_FAILED, problemJson, refuseConnect } from "./client-error";
import { checkRequestTarget } from "./request-target";
import type { TlsMaterial } from "./tls";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function isRestPath(url: string): boolean {
  return (
    url.startsWith("/api/v1/") ||
    url === "/api/v1" ||
    url.startsWith("/.well-known/") ||
    url.startsWith("/gateway/") ||
    /^\/(health|ready|metrics)(\?|$)/.test(url)
  );
}

export interface ArcanServer {
  server: Server;
  inFlight(): number;
}

export function createArcanServer(tls: TlsMaterial, rest: Handler, web: Handler): ArcanServer {
  let inFlight = 0;
  // One listener for every response ('close' comes once each): no closure or once-wrapper per request.
  const settled = () => inFlight--;
  // requireHostHeader off: Node's own answer to a missing Host is a bare 400; checkRequestTarget answers it instead.
  const server = createServer({ key: tls.key, cert: tls.cert, minVersion: "TLSv1.2", requireHostHeader: false }, (req, res) => {
    inFlight++;
    res.on("close", settled);
    const refused = checkRequestTarget(req);
    if (refused) {
      const requestId = newRequestId();
      res.shouldKeepAlive = false;
      res.setHeader("X-Request-Id", requestId);
      sendProblem(res, refused, requestId);
      return;
    }
    const url = req.url ?? "/";
    void (isRestPath(url) ? rest(req, res) : web(req, res));
  });
  server.on("clientError", answerClientError);
  server.on("connect", (_req: IncomingMessage, socket) => refuseConnect(socket));
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId();
    const body = problemJson(EXPECTATION_FAILED, requestId);
    res.writeHead(417, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(body), "X-Request-Id": requestId });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  return { server, inFlight: () => inFlight };
}
