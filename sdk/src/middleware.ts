/**
 * `arcanMiddleware({client, action, resource})`: an enforcement point for Node `http` and
 * Express-style `(req, res, next)` handlers. Each request's bearer token (an Arcan STS JWT)
 * is decided by POST /api/v1/authorize, with the same mapping as the gateway:
 *   no or invalid token → 401 with `WWW-Authenticate: Bearer`,
 *   deny → 403 problem+json with `decision_id` and `policy_id`,
 *   review → 403 problem+json `review_required` with `review_id`,
 *   allow → `next()` (the decision is on `req.arcan`).
 * The client's own token is the enforcement point's (capability `decisions:evaluate`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArcanError } from "./errors.js";
import type { ArcanClient } from "./index.js";
import { authorizeCall, type Decision, type DecisionResource } from "./enforcement.js";

type Dynamic<T> = T | ((req: IncomingMessage) => T);

export interface ArcanMiddlewareOptions {
  client: ArcanClient;
  /** The action, e.g. "billing.read", or a function of the request ("billing." + method). */
  action: Dynamic<string>;
  /** The resource, `{type, id}` or "type/id", or a function of the request. */
  resource: Dynamic<DecisionResource | string>;
  /** Extra decision context; `method` and `path` are always sent. */
  context?: (req: IncomingMessage) => Record<string, unknown>;
}

export type Next = (err?: unknown) => void;

/** The request after an allow: the decision that let it through. */
export type AuthorizedRequest = IncomingMessage & { arcan?: Decision };

export function arcanMiddleware(options: ArcanMiddlewareOptions): (req: IncomingMessage, res: ServerResponse, next: Next) => Promise<void> {
  return async (req, res, next) => {
    const token = bearerOf(req);
    if (!token) return problem(res, 401, "unauthenticated", "Authentication required", "An Arcan STS token is required (Authorization: Bearer …).", { "WWW-Authenticate": 'Bearer realm="arcan"' });
    let decision: Decision;
    try {
      const context = { method: req.method ?? "GET", path: pathOf(req), ...options.context?.(req) };
      decision = await authorizeCall(options.client.core, { token, action: resolve(options.action, req), resource: resolve(options.resource, req), context });
    } catch (err) {
      // The decision service failed or is unreachable: refuse (fail closed), never pass through.
      if (err instanceof ArcanError && err.status >= 400 && err.status < 500) return problem(res, 502, "decision_failed", "Decision failed", `Arcan refused the decision request: ${err.title}.`);
      return problem(res, 503, "decision_unavailable", "Service unavailable", "Arcan could not be reached for a decision.");
    }
    const ids = { decision_id: decision.decision_id, policy_id: decision.policy_id };
    if (decision.decision === "allow") {
      (req as AuthorizedRequest).arcan = decision;
      return next();
    }
    if (decision.decision === "review") {
      return problem(res, 403, "review_required", "Review required", "A human must approve this request before it can proceed.", {}, { ...ids, review_id: decision.review_id ?? null });
    }
    if (decision.reasons.includes("token_invalid")) {
      return problem(res, 401, "token_invalid", "Authentication required", "The token is expired, revoked, badly signed or meant for another audience.", { "WWW-Authenticate": 'Bearer realm="arcan", error="invalid_token"' }, ids);
    }
    return problem(res, 403, "access_denied", "Permission denied", "The policy does not allow this request.", {}, { ...ids, reasons: decision.reasons });
  };
}

function bearerOf(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1] ?? null;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function resolve<T>(value: Dynamic<T>, req: IncomingMessage): T {
  return typeof value === "function" ? (value as (r: IncomingMessage) => T)(req) : value;
}

function problem(res: ServerResponse, status: number, code: string, title: string, detail: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): void {
  const requestId = headerOf(res.req, "x-request-id") ?? `req_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
  const body = JSON.stringify({ type: "about:blank", title, status, detail, code, request_id: requestId, ...extra });
  res.writeHead(status, { "Content-Type": "application/problem+json", "X-Request-Id": requestId, ...headers });
  res.end(body);
}

function headerOf(req: IncomingMessage | undefined, name: string): string | undefined {
  const value = req?.headers[name];
  return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : undefined;
}
