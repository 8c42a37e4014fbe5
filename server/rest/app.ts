/**
 * The REST app. Its middleware chain is built in one visible place, `handle` below:
 *   request id → route match → authenticate (guardian 1) → rate limit → input validation
 *   → handler (domain service: policy, ResolveRealm and store scoping, guardians 2, 3, 6)
 *   → response, with the logging/metrics observer around all of it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError, toAppError } from "../errors";
import { newRequestId } from "../ids";
import { scrubUrl } from "../observability/logger";
import type { Actor, Principal } from "../rbac/principal";
import type { Services } from "../services";
import { extractCredential } from "./credentials";
import { clientIp, hasBody, readFormBody, readJsonBody, sendJson, sendProblem } from "./http";
import type { RateDecision } from "./ratelimit";
import { isOpaqueText, type AnyRoute, type RawReply } from "./route";
import { Router } from "./router";
import { allRoutes } from "./routes";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createRestApp(services: Services): RestHandler {
  const router = new Router<AnyRoute>(allRoutes);
  const { config, logger, metrics } = services;
  const observe = requestObserver(metrics);

  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : newRequestId();
    res.setHeader("X-Request-Id", requestId);
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const pathname = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
    const search = queryStart < 0 ? null : new URLSearchParams(rawUrl.slice(queryStart + 1));
    const method = req.method ?? "GET";
    let routeLabel = "unmatched";
    let principal: Principal | null = null;
    try {
      const { route, params } = router.match(method, pathname);
      routeLabel = route.path;
      const credential = extractCredential(req, search, config.auth.query_param_token);
      if (route.public) {
        applyRateLimit(res, services.rateLimiter.check(`ip:${clientIp(req)}`, config.rate_limit.per_ip));
        const form = route.form ? parse(route.form, await readFormBody(req), "body") : undefined;
        const reply = await route.handle({ params: parse(route.params, params, "path"), query: parse(route.query, query(search), "query"), form, services, req, requestId, credential });
        return respond(res, route, reply);
      }
      const auth = credential ? await services.tokens.authenticate(credential) : null;
      if (!auth?.ok) {
        applyRateLimit(res, services.rateLimiter.check(`ip:${clientIp(req)}`, config.rate_limit.per_ip));
        throw unauthenticated(credential === null ? "missing" : auth!.reason);
      }
      principal = auth.principal;
      applyRateLimit(res, services.rateLimiter.check(`tok:${principal.id}`, principal.rateLimit ?? config.rate_limit.per_token));
      const input = {
        params: parse(route.params, params, "path"),
        query: parse(route.query, query(search), "query"),
        body: route.body ? parse(route.body, await readJsonBody(req), "body") : hasBody(req) ? await rejectBody(req) : undefined,
      };
      const actor: Actor = { principal, requestId, ip: clientIp(req), via: "rest" };
      const result = await route.handle({ actor, ...input, services, req });
      respond(res, route, result);
    } catch (err) {
      const appError = toAppError(err);
      if (appError.kind === "internal") logger.error({ err: describe(err), requestId }, "request failed");
      if (!res.headersSent) sendProblem(res, appError, requestId);
      else res.destroy();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observe(routeLabel, method, res.statusCode, seconds);
      const status = res.statusCode;
      if (status >= 500 || logger.isLevelEnabled("info")) {
        const fields = { requestId, method, url: scrubUrl(rawUrl), status, ms: Math.round(seconds * 1e5) / 100, subject: principal?.subject };
        if (status >= 500) logger.error(fields, "request");
        else logger.info(fields, "request");
      }
    }
  };
}

function respond(res: ServerResponse, route: AnyRoute, result: unknown): void {
  if (isRaw(result)) {
    res.writeHead(result.status, { "Content-Type": result.contentType, "Content-Length": Buffer.byteLength(result.body) });
    res.end(result.body);
    return;
  }
  const status = route.status ?? 200;
  if (status === 204 || route.response === null) {
    res.writeHead(204);
    res.end();
    return;
  }
  sendJson(res, status, result);
}

function isRaw(value: unknown): value is RawReply {
  return typeof value === "object" && value !== null && (value as RawReply).raw === true;
}

function applyRateLimit(res: ServerResponse, d: RateDecision): void {
  res.setHeader("X-RateLimit-Limit", String(d.limit));
  res.setHeader("X-RateLimit-Remaining", String(d.remaining));
  res.setHeader("X-RateLimit-Reset", String(d.reset));
  if (!d.allowed) {
    const retryAfter = String(Math.max(1, d.reset - Math.floor(Date.now() / 1000)));
    throw new AppError("rate_limited", `Rate limit of ${d.limit} requests per second exceeded.`, { code: "rate_limited", headers: { "Retry-After": retryAfter } });
  }
}

function unauthenticated(reason: "missing" | "invalid" | "expired" | "revoked"): AppError {
  const detail = {
    missing: "Send an API token as 'Authorization: Bearer <token>', 'Authorization: Token <token>' or 'X-API-Key: <token>'.",
    invalid: "The API token is not valid.",
    expired: "The API token has expired.",
    revoked: "The API token has been revoked.",
  }[reason];
  return new AppError("unauthenticated", detail, { code: reason === "missing" ? "token_missing" : `token_${reason}`, headers: { "WWW-Authenticate": 'Bearer realm="arcan"' } });
}

function query(search: URLSearchParams | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (search) for (const [k, v] of search) if (k !== "p") out[k] = v;
  return out;
}

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: "path" | "query" | "body"): T extends z.ZodType ? z.output<T> : undefined {
  type Out = T extends z.ZodType ? z.output<T> : undefined;
  if (!schema) return undefined as Out;
  const nul = fieldWithNul(value, opaqueFields(schema));
  if (nul !== null) {
    const field = nul || where;
    throw new AppError("invalid_input", `Invalid ${where}: ${field}: must not contain the character U+0000.`, { code: "validation_failed", issues: [{ field, message: "must not contain U+0000" }] });
  }
  // A JSON `null` body is a body, not an absent one: it must not pass an optional body schema.
  const result = schema.safeParse(where === "body" ? value : (value ?? {}));
  if (result.success) return result.data as Out;
  const issues = result.error.issues.map((i) => ({
    field: i.code === "unrecognized_keys" ? i.keys.join(", ") : i.path.join(".") || where,
    message: i.code === "unrecognized_keys" ? "unknown field" : i.message,
  }));
  const first = issues[0]!;
  throw new AppError("invalid_input", `Invalid ${where}: ${first.field}: ${first.message}.`, { code: "validation_failed", issues });
}

/**
 * The path of the first string (value or key) holding U+0000, "" for the top level, null if none.
 * PostgreSQL text cannot store it, so it is refused on every store alike; fields marked
 * OPAQUE_TEXT are exempt. Iterative: bodies nest deep.
 */
function fieldWithNul(value: unknown, opaque: ReadonlySet<string>): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (opaque.has(path)) continue;
    if (typeof v === "string") {
      if (v.includes("\0")) return path;
    } else if (typeof v === "object" && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes("\0")) return childPath;
        stack.push({ value: child, path: childPath });
      }
    }
  }
  return null;
}

/** Top-level fields of an object schema marked OPAQUE_TEXT (worked out once per schema). */
function opaqueFields(schema: z.ZodType): ReadonlySet<string> {
  let fields = opaqueBySchema.get(schema);
  if (!fields) {
    const object = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
    const shape = object instanceof z.ZodObject ? (object.shape as Record<string, z.ZodType>) : {};
    fields = new Set(Object.keys(shape).filter((key) => isOpaqueText(shape[key]!)));
    opaqueBySchema.set(schema, fields);
  }
  return fields;
}
const opaqueBySchema = new WeakMap<z.ZodType, ReadonlySet<string>>();

async function rejectBody(req: IncomingMessage): Promise<undefined> {
  const body = await readJsonBody(req).catch((err: unknown) => {
    if (err instanceof AppError && err.kind === "unsupported_media_type") return "non-json";
    throw err;
  });
  if (body !== undefined) throw new AppError("invalid_input", "This endpoint takes no request body.", { code: "unexpected_body", issues: [{ field: "body", message: "not allowed" }] });
  return undefined;
}

function describe(err: unknown): string {
  // Log the class and message only: Prisma and driver messages can quote SQL, never values.
  return err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
}

/** Request metrics through cached label children: resolving labels per request costs more than counting. */
function requestObserver(metrics: Services["metrics"]) {
  const counters = new Map<string, ReturnType<typeof metrics.httpRequests.labels>>();
  const histograms = new Map<string, ReturnType<typeof metrics.httpDuration.labels>>();
  return (route: string, method: string, status: number, seconds: number) => {
    const key = `${method} ${route}`;
    let histogram = histograms.get(key);
    if (!histogram) histograms.set(key, (histogram = metrics.httpDuration.labels(route, method)));
    histogram.observe(seconds);
    const counterKey = `${key} ${status}`;
    let counter = counters.get(counterKey);
    if (!counter) counters.set(counterKey, (counter = metrics.httpRequests.labels(route, method, String(status))));
    counter.inc();
  };
}
