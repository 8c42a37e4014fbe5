/**
 * Raw HTTP requests the listener must answer itself (unroutable targets, framing errors
 * Node's parser reports), what each must get, and checks for the server's stderr. Used by
 * the listener suite and replayed by the fuzz suite on both stores.
 */
import assert from "node:assert/strict";
import type { RawReply } from "./raw-tls";
import type { TestServer } from "./server";

export interface FramingCase {
  name: string;
  /** The raw request, given the Host value and an admin token (so body framing is reached). */
  bytes: (host: string, token: string) => string | Buffer;
  status: number;
  code?: string;
  /** The connection must be closed after the answer (the byte stream is no longer trusted). */
  closes?: boolean;
}

/** Raw requests and what the listener must answer; the fuzz suite replays them too. */
export const FRAMING_CASES: FramingCase[] = [
  { name: "GET * (asterisk-form)", bytes: (h) => `GET * HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400, code: "invalid_request_target" },
  { name: "OPTIONS *", bytes: (h) => `OPTIONS * HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 405, code: "method_not_allowed" },
  { name: "POST * with a body", bytes: (h) => `POST * HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 2\r\n\r\n{}`, status: 400, code: "invalid_request_target" },
  { name: "absolute-form for another host", bytes: (h) => `GET https://evil.example/api/v1/realms HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400, code: "invalid_request_target" },
  { name: "absolute-form with another scheme", bytes: (h) => `GET ftp://${h}/health HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400, code: "invalid_request_target" },
  { name: "absolute-form for this host", bytes: (h) => `GET https://${h}/health HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 200 },
  // Node's parser refuses these itself (malformed_request); the listener would too (invalid_request_target).
  { name: "target without a leading slash", bytes: (h) => `GET health HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400 },
  { name: "authority-form on GET", bytes: (h) => `GET ${h} HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400 },
  { name: "CONNECT (a tunnel)", bytes: () => `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`, status: 405, code: "method_not_allowed", closes: true },
  { name: "empty request target", bytes: (h) => `GET  HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "unknown method", bytes: (h) => `FROB / HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "HTTP/2 preface on HTTP/1.1", bytes: () => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", status: 400, code: "malformed_request", closes: true },
  { name: "oversized request line", bytes: (h) => `GET /api/v1/realms?x=${"a".repeat(20_000)} HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 431, code: "headers_too_large", closes: true },
  { name: "oversized header block", bytes: (h) => `GET /health HTTP/1.1\r\nHost: ${h}\r\n${Array.from({ length: 40 }, (_, i) => `X-Filler-${i}: ${"b".repeat(500)}\r\n`).join("")}\r\n`, status: 431, code: "headers_too_large", closes: true },
  { name: "one huge header", bytes: (h) => `GET /health HTTP/1.1\r\nHost: ${h}\r\nX-Huge: ${"c".repeat(17_000)}\r\n\r\n`, status: 431, code: "headers_too_large", closes: true },
  {
    name: "bad chunk size",
    bytes: (h, t) => `POST /api/v1/realms HTTP/1.1\r\nHost: ${h}\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    status: 400,
    code: "malformed_request",
    closes: true,
  },
  {
    name: "chunk without its CRLF",
    bytes: (h, t) => `POST /api/v1/realms HTTP/1.1\r\nHost: ${h}\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n`,
    status: 400,
    code: "malformed_request",
    closes: true,
  },
  {
    name: "Content-Length and Transfer-Encoding together",
    bytes: (h) => `POST /api/v1/realms HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
    code: "malformed_request",
    closes: true,
  },
  { name: "two different Content-Lengths", bytes: (h) => `POST /api/v1/realms HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, status: 400, code: "malformed_request", closes: true },
  { name: "non-numeric Content-Length", bytes: (h) => `POST /api/v1/realms HTTP/1.1\r\nHost: ${h}\r\nContent-Length: ten\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "control character in a header value", bytes: (h) => `GET /health HTTP/1.1\r\nHost: ${h}\r\nX-Bad: a\u0001b\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "space in a header name", bytes: (h) => `GET /health HTTP/1.1\r\nHost: ${h}\r\nX Bad: 1\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "NUL in the request target", bytes: (h) => `GET /health\u0000 HTTP/1.1\r\nHost: ${h}\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "bare LF line ends", bytes: (h) => `GET /health HTTP/1.1\nHost: ${h}\n\n`, status: 400, code: "malformed_request", closes: true },
  { name: "obsolete line folding", bytes: (h) => `GET /health HTTP/1.1\r\nHost: ${h}\r\nX-Folded: a\r\n b\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "unsupported HTTP version", bytes: (h) => `GET /health HTTP/3.7\r\nHost: ${h}\r\n\r\n`, status: 400, code: "malformed_request", closes: true },
  { name: "binary garbage", bytes: () => Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), status: 400, code: "malformed_request", closes: true },
  { name: "HTTP/1.0 without Host", bytes: () => "GET /health HTTP/1.0\r\n\r\n", status: 200 },
  { name: "HTTP/1.1 without Host", bytes: () => "GET /health HTTP/1.1\r\n\r\n", status: 400, code: "host_required" },
  { name: "unmeetable Expect", bytes: (h) => `POST /api/v1/realms HTTP/1.1\r\nHost: ${h}\r\nExpect: the-impossible\r\nContent-Length: 2\r\n\r\n{}`, status: 417, code: "expectation_failed" },
];

/** Asserts a raw answer is the expected problem+json (or success) and returns it. */
export function assertRawAnswer(c: FramingCase, r: RawReply): void {
  const where = `${c.name}: ${r.status} ${JSON.stringify(r.headers)} ${r.body}`;
  assert.equal(r.status, c.status, where);
  if (c.status >= 400) {
    assert.match(r.headers["content-type"] ?? "", /^application\/problem\+json/, where);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(body.status, c.status, where);
    for (const field of ["type", "title", "detail", "code", "request_id"]) assert.equal(typeof body[field], "string", `${where}: ${field}`);
    if (c.code) assert.equal(body.code, c.code, where);
    assert.equal(body.request_id, r.headers["x-request-id"], where);
  }
  if (c.closes) assert.ok(r.closed, `${c.name}: the connection is closed`);
}

/** Lines on the server's stderr after its start-up banner: warnings, errors, stack traces. */
export function stderrAfterStart(s: TestServer): string {
  const text = s.stderr();
  const banner = text.search(/TLS certificate .*\n/);
  return text.slice(banner < 0 ? 0 : text.indexOf("\n", banner) + 1);
}
