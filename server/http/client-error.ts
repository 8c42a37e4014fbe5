/**
 * Requests Node's HTTP parser refuses before any handler runs (an oversized request line
 * or header block, bad chunking, invalid characters, an unknown method…) and requests
 * Node would answer itself with a bare status: each gets a problem+json answer like every
 * other error, and the connection is closed, since the byte stream can no longer be trusted.
 */
import type { Duplex } from "node:stream";
import { ERROR_TABLE } from "../errors";
import { newRequestId } from "../ids";

export interface Framing {
  status: number;
  title: string;
  code: string;
  detail: string;
}

const HEADER_TOO_LARGE: Framing = {
  status: 431,
  title: "Request header fields too large",
  code: "headers_too_large",
  detail: "The request line or header block is larger than this server accepts.",
};
const BAD_FRAMING: Framing = {
  status: 400,
  title: ERROR_TABLE.invalid_input.title,
  code: "malformed_request",
  detail: "The request is not well-formed HTTP/1.1 (request line, header or body framing).",
};

/** Node's parser error codes (HPE_*) and its own timeouts, by the answer they deserve; anything else is a 400. */
const BY_CODE: Record<string, Framing> = {
  HPE_HEADER_OVERFLOW: HEADER_TOO_LARGE,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    title: ERROR_TABLE.payload_too_large.title,
    code: "payload_too_large",
    detail: "The chunk extensions of the request body are larger than this server accepts.",
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, title: "Request timeout", code: "request_timeout", detail: "The request was not received in time." },
};

export const EXPECTATION_FAILED: Framing = {
  status: 417,
  title: "Expectation failed",
  code: "expectation_failed",
  detail: "The only expectation this server meets is Expect: 100-continue.",
};

export function problemJson(p: Framing, requestId: string): string {
  return JSON.stringify({ type: `https://getarcan.dev/problems/${p.code}`, title: p.title, status: p.status, detail: p.detail, code: p.code, request_id: requestId });
}

/** The full HTTP/1.1 response for a problem, for writing straight to a socket. */
export function rawProblemResponse(p: Framing, requestId = newRequestId(), extraHeaders: Record<string, string> = {}): string {
  const body = problemJson(p, requestId);
  const headers = {
    "Content-Type": "application/problem+json",
    "Content-Length": String(Buffer.byteLength(body)),
    "X-Request-Id": requestId,
    Connection: "close",
    ...extraHeaders,
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `HTTP/1.1 ${p.status} ${p.title}\r\n${head}\r\n${body}`;
}

/** How long a refused connection may take to read its answer before it is cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The server's `clientError` handler. It writes only when the socket can still take
 * bytes and no response has started on it (a second status line would corrupt the
 * stream), never after the peer reset the connection, and always closes the socket.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || err.code === "EPIPE" || !socket.writable || responseStarted(socket)) {
    socket.destroy();
    return;
  }
  socket.end(rawProblemResponse(BY_CODE[err.code ?? ""] ?? BAD_FRAMING));
  // end() waits for the peer to read; a peer that never does must not hold the socket.
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}

function responseStarted(socket: Duplex): boolean {
  // Node keeps the in-flight response on the socket (an internal, long-stable field).
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  return inFlight?.headersSent === true;
}

/** For the `connect` event: a CONNECT request asks for a tunnel, which this server never opens. */
export function refuseConnect(socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    rawProblemResponse(
      { status: 405, title: ERROR_TABLE.method_not_allowed.title, code: "method_not_allowed", detail: "This server is not a proxy: CONNECT is not allowed." },
      newRequestId(),
      { Allow: "GET, HEAD, POST, PUT, PATCH, DELETE" },
    ),
  );
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
