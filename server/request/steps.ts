/**
 * The request chain's steps, shared by both transports (REST in server/rest/app.ts, tRPC
 * in server/trpc/trpc.ts), so a console request and a REST request are identified,
 * limited, logged and counted by the same code:
 *   requestId → identify (guardian 1) → limit (one decision: the token's key once
 *   identified, the client IP's otherwise) → read input → dispatch to one domain service
 *   (policy, ResolveRealm, store scoping: guardians 2, 3, 6) → observe (log line, metrics).
 */
import type { Logger } from "pino";
import { AppError } from "../errors";
import { newRequestId } from "../ids";
import { scrubUrl } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import type { Principal } from "../rbac/principal";
import type { RateDecision, RateLimits } from "../rest/ratelimit";
import type { TokenAuthenticator } from "../tokens/authenticator";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's X-Request-Id is kept when it is a plausible id; otherwise one is assigned. */
export function requestIdOf(given: string | string[] | null | undefined): string {
  return typeof given === "string" && REQUEST_ID.test(given) ? given : newRequestId();
}

export type Identity = { ok: true; principal: Principal } | { ok: false; error: AppError };

/** Guardian 1: the presented API token → its principal, or the contract's 401. */
export async function identify(tokenAuth: Pick<TokenAuthenticator, "authenticate">, credential: string | null): Promise<Identity> {
  if (credential === null) return { ok: false, error: unauthenticated("missing") };
  const auth = await tokenAuth.authenticate(credential);
  return auth.ok ? { ok: true, principal: auth.principal } : { ok: false, error: unauthenticated(auth.reason) };
}

export function unauthenticated(reason: "missing" | "invalid" | "expired" | "revoked"): AppError {
  const detail = {
    missing: "Send an API token as 'Authorization: Bearer <token>', 'Authorization: Token <token>' or 'X-API-Key: <token>'.",
    invalid: "The API token is not valid.",
    expired: "The API token has expired.",
    revoked: "The API token has been revoked.",
  }[reason];
  return new AppError("unauthenticated", detail, { code: reason === "missing" ? "token_missing" : `token_${reason}`, headers: { "WWW-Authenticate": 'Bearer realm="arcan"' } });
}

export interface LimitDeps {
  rateLimiter: RateLimits;
  config: { rate_limit: { per_token: number; per_ip: number } };
}

/**
 * The one rate-limit decision of a request: an identified principal is counted under its
 * subject (the same budget whether it calls REST or the console), an STS token at the
 * gateway under its jti (the per-token default), anyone else under the client's IP. Over
 * the limit is a 429 carrying Retry-After and the X-RateLimit-* headers. The in-memory
 * limiter decides synchronously (a plain value comes back); the shared one (Redis)
 * returns a promise.
 */
export function limit(deps: LimitDeps, who: { principal: Principal } | { ip: string } | { stsToken: string }): RateDecision | Promise<RateDecision> {
  const decision =
    "principal" in who
      ? deps.rateLimiter.check(who.principal.subject, who.principal.rateLimit ?? deps.config.rate_limit.per_token)
      : "stsToken" in who
        ? deps.rateLimiter.check(`sts:${who.stsToken}`, deps.config.rate_limit.per_token)
        : deps.rateLimiter.check(`ip:${who.ip}`, deps.config.rate_limit.per_ip);
  return decision instanceof Promise ? decision.then(enforce) : enforce(decision);
}

function enforce(decision: RateDecision): RateDecision {
  if (!decision.allowed) {
    const retryAfter = String(Math.max(1, decision.reset - Math.floor(Date.now() / 1000)));
    throw new AppError("rate_limited", `Rate limit of ${decision.limit} requests per second exceeded.`, {
      code: "rate_limited",
      headers: { ...rateHeaders(decision), "Retry-After": retryAfter },
    });
  }
  return decision;
}

export function rateHeaders(d: RateDecision): Record<string, string> {
  return { "X-RateLimit-Limit": String(d.limit), "X-RateLimit-Remaining": String(d.remaining), "X-RateLimit-Reset": String(d.reset) };
}

export interface Observation {
  /** The route pattern ("/api/v1/realms/:realm") or tRPC procedure ("trpc:secrets.put"). */
  route: string;
  method: string;
  status: number;
  seconds: number;
  requestId: string;
  /** The request target as received: it is scrubbed (scrubUrl) only when a log line is written. */
  url: string;
  subject: string | undefined;
}

/**
 * The observe step: one log line and the request metrics, through cached label children
 * (resolving labels per request costs more than counting), found by route, method and
 * status in nested maps: those strings are the route table's and the parser's own, so no
 * key is built per request.
 */
export function createObserver(deps: { metrics: Pick<Metrics, "httpRequests" | "httpDuration">; logger: Logger }): (o: Observation) => void {
  const { metrics, logger } = deps;
  type Children = { histogram: ReturnType<typeof metrics.httpDuration.labels>; counters: Map<number, ReturnType<typeof metrics.httpRequests.labels>> };
  const byRoute = new Map<string, Map<string, Children>>();
  return (o) => {
    let byMethod = byRoute.get(o.route);
    if (!byMethod) byRoute.set(o.route, (byMethod = new Map()));
    let children = byMethod.get(o.method);
    if (!children) byMethod.set(o.method, (children = { histogram: metrics.httpDuration.labels(o.route, o.method), counters: new Map() }));
    children.histogram.observe(o.seconds);
    let counter = children.counters.get(o.status);
    if (!counter) children.counters.set(o.status, (counter = metrics.httpRequests.labels(o.route, o.method, String(o.status))));
    counter.inc();
    if (o.status >= 500 || logger.isLevelEnabled("info")) {
      const fields = { requestId: o.requestId, method: o.method, url: scrubUrl(o.url), status: o.status, ms: Math.round(o.seconds * 1e5) / 100, subject: o.subject };
      if (o.status >= 500) logger.error(fields, "request");
      else logger.info(fields, "request");
    }
  };
}

/** What is logged of an unexpected error: its class and first line (driver messages can quote SQL, never values). */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
}
