/**
 * The REST app: the request chain's steps (server/request/steps.ts) composed in one
 * visible place, `handle` below. Each step is a named function; the route table says
 * what a route reads and which service method it calls.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError, invalidInput, toAppError } from "../errors";
import type { Actor, Principal } from "../rbac/principal";
import { createObserver, describeError, identify, limit, rateHeaders, requestIdOf } from "../request/steps";
import type { DomainServices, Services } from "../services";
import { GATEWAY_PREFIX } from "../gateway/headers";
import { extractCredential } from "./credentials";
import { clientIp, hasBody, readFormBody, readJsonBody, sendJson, sendProblem } from "./http";
import { isOpaqueText, type AnyRoute, type RawReply } from "./route";
import { Router } from "./router";
import { allRoutes } from "./routes";

export type RestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createRestApp(services: Services): RestHandler {
  const router = new Router<AnyRoute>(allRoutes);
  const { config, logger } = services;
  const observe = createObserver(services);

  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers["x-request-id"]);
    // The answer's own headers, written in one writeHead (cheaper than a setHeader each); an error answer sets them first.
    const headers: OutgoingHttpHeaders = { "X-Request-Id": requestId };
    const url = splitUrl(req.url ?? "/");
    const method = req.method ?? "GET";
    let routeLabel = "unmatched";
    let principal: Principal | null = null;
    let subject: string | undefined;
    try {
      if (url.pathname.startsWith(GATEWAY_PREFIX)) {
        routeLabel = "/gateway/:name/*";
        res.setHeader("X-Request-Id", requestId);
        ({ subject } = await services.gatewayProxy.handle(req, res, { requestId, ip: clientIp(req) }));
        return;
      }
      const { route, params } = router.match(method, url.pathname);
      routeLabel = route.path;
      const credential = extractCredential(req, url.search, config.auth.query_param_token);
      const identity = route.public ? null : await identify(services.tokenAuth, credential);
      if (identity?.ok) principal = identity.principal;
      const decided = limit(services, principal ? { principal } : { ip: clientIp(req) });
      Object.assign(headers, rateHeaders(decided instanceof Promise ? await decided : decided));
      if (identity && !identity.ok) throw identity.error;
      const input = await readInput(route, params, url.search, req);
      const reply = await dispatch(route, input, { services, req, requestId, credential, principal });
      respond(res, route, reply, headers);
    } catch (err) {
      const appError = toAppError(err);
      if (appError.kind === "internal") logger.error({ err: describeError(err), requestId }, "request failed");
      if (!res.headersSent) {
        for (const name in headers) res.setHeader(name, headers[name]!);
        sendProblem(res, appError, requestId);
      } else res.destroy();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observe({ route: routeLabel, method, status: res.statusCode, seconds, requestId, url: url.raw, subject: principal?.subject ?? subject });
    }
  };
}

interface RouteInput {
  params: unknown;
  query: unknown;
  body: unknown;
  /** A public route's form-encoded body (the STS token endpoint). */
  form: unknown;
}

/** The read-input step: path, query and body, each parsed with the route's contract schema. */
async function readInput(route: AnyRoute, params: Record<string, string>, search: URLSearchParams | null, req: IncomingMessage): Promise<RouteInput> {
  return {
    params: parse(route.params, params, "path"),
    query: parse(route.query, queryObject(search), "query"),
    body: route.body ? parse(route.body, await readJsonBody(req), "body") : hasBody(req) && !(route.public && route.form) ? await rejectBody(req) : undefined,
    form: route.public && route.form ? parse(route.form, await readFormBody(req), "body") : undefined,
  };
}

/** The dispatch step: the route's one service call, as the caller (or, for public routes, as nobody). */
function dispatch(
  route: AnyRoute,
  input: RouteInput,
  ctx: { services: DomainServices; req: IncomingMessage; requestId: string; credential: string | null; principal: Principal | null },
): Promise<unknown> {
  const { services, req, requestId, credential, principal } = ctx;
  if (route.public) return route.handle({ params: input.params, query: input.query, form: input.form, services, req, requestId, credential });
  const actor: Actor = { principal: principal!, requestId, ip: clientIp(req), via: "rest" };
  return route.handle({ actor, ...input, services, req });
}

function respond(res: ServerResponse, route: AnyRoute, result: unknown, headers: OutgoingHttpHeaders): void {
  if (isRaw(result)) {
    headers["Content-Type"] = result.contentType;
    headers["Content-Length"] = Buffer.byteLength(result.body);
    res.writeHead(result.status, headers);
    res.end(result.body);
    return;
  }
  const status = route.status ?? 200;
  if (status === 204 || route.response === null) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  sendJson(res, status, result, headers);
}

function isRaw(value: unknown): value is RawReply {
  return typeof value === "object" && value !== null && (value as RawReply).raw === true;
}

function splitUrl(raw: string): { raw: string; pathname: string; search: URLSearchParams | null } {
  const queryStart = raw.indexOf("?");
  return queryStart < 0 ? { raw, pathname: raw, search: null } : { raw, pathname: raw.slice(0, queryStart), search: new URLSearchParams(raw.slice(queryStart + 1)) };
}

function queryObject(search: URLSearchParams | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (search) for (const [k, v] of search) if (k !== "p") out[k] = v;
  return out;
}

function parse(schema: z.ZodType | undefined, value: unknown, where: "path" | "query" | "body"): unknown {
  if (!schema) return undefined;
  const nul = fieldWithNul(value, opaqueFields(schema));
  if (nul !== null) {
    const field = nul || where;
    throw new AppError("invalid_input", `Invalid ${where}: ${field}: must not contain the character U+0000.`, { code: "validation_failed", issues: [{ field, message: "must not contain U+0000" }] });
  }
  // A JSON `null` body is a body, not an absent one: it must not pass an optional body schema.
  const result = schema.safeParse(where === "body" ? value : (value ?? {}));
  if (result.success) return result.data;
  throw invalidInput(result.error.issues, where);
}

/**
 * The path of the first string (value or key) holding U+0000, "" for the top level, null if none.
 * PostgreSQL text cannot store it, so it is refused on every store alike; fields marked
 * OPAQUE_TEXT are exempt. Iterative: bodies nest deep. Each step remembers its parent and
 * key, and a path is built only for a hit, so the common answer (none) builds no strings.
 */
function fieldWithNul(value: unknown, opaque: ReadonlySet<string>): string | null {
  const stack: Step[] = [{ value, key: "", parent: null }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const v = step.value;
    if (typeof v === "string") {
      if (v.includes("\0")) return pathOf(step);
    } else if (typeof v === "object" && v !== null) {
      for (const key in v) {
        if (step.parent === null && opaque.has(key)) continue;
        const child: Step = { value: (v as Record<string, unknown>)[key], key, parent: step };
        if (key.includes("\0")) return pathOf(child);
        stack.push(child);
      }
    }
  }
  return null;
}

interface Step {
  value: unknown;
  key: string;
  parent: Step | null;
}

function pathOf(step: Step): string {
  const keys: string[] = [];
  for (let s: Step = step; s.parent !== null; s = s.parent) keys.push(s.key);
  return keys.reverse().join(".");
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
