/**
 * Wraps Next's request handler: every console response carries CSP (with a per-request
 * script nonce that Next reads back from the request's CSP header), HSTS, nosniff,
 * frame-ancestors 'none' and a Referrer-Policy. It also pins the headers that later code
 * trusts: the client address, the request id, and no client-chosen forwarding host.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestIdOf } from "../request/steps";

export const CLIENT_IP_HEADER = "x-arcan-client-ip";
export const NONCE_HEADER = "x-arcan-nonce";
/** The request path, so the root layout can send signed-out visitors to /signin. */
export const PATH_HEADER = "x-arcan-path";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // Next's dev overlay evaluates code; production never needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Recharts positions elements with style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const STATIC_SECURITY_HEADERS: Record<string, string> = {
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

export function withConsoleSecurity(handler: Handler, opts: { dev: boolean }): Handler {
  return (req, res) => {
    const nonce = randomBytes(16).toString("base64");
    const csp = contentSecurityPolicy(nonce, opts.dev);
    delete req.headers["x-forwarded-host"];
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
    req.headers[NONCE_HEADER] = nonce;
    req.headers[PATH_HEADER] = (req.url ?? "/").split("?")[0];
    req.headers["content-security-policy"] = csp;
    // The request id the console's tRPC context uses, and the one the client sees (theirs when they sent one).
    const requestId = requestIdOf(req.headers["x-request-id"]);
    req.headers["x-request-id"] = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("Content-Security-Policy", csp);
    for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) res.setHeader(name, value);
    return handler(req, res);
  };
}
