/**
 * tRPC setup for the console, in numbered sections (t3 style):
 *   1. context: the services, the request, its request id, and who is signed in (the
 *      session cookie: the identify step)
 *   2. initialisation: the error formatter (messages for people, field issues, no stacks)
 *   3. procedures: `publicProcedure` (observed: logged and counted like a REST request) and
 *      `protectedProcedure` (identity checked here, in the procedure, never only in Next
 *      middleware; cross-site mutations refused; rate-limited under the same budget as
 *      the principal's REST requests).
 * The steps are the REST chain's own (server/request/steps.ts). Domain services do
 * authorisation and audit; their AppErrors map to tRPC codes through the one table in
 * server/errors.ts.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ERROR_TABLE, fieldIssues, type FieldIssue } from "../errors";
import { crossSiteReason } from "../console/origin";
import { consoleServices, isAppErrorLike } from "../console/runtime";
import { CLIENT_IP_HEADER } from "../console/security-headers";
import { cookieValue, identityFromSessionCookie, SESSION_COOKIE } from "../console/session";
import type { Actor } from "../rbac/principal";
import { createObserver, describeError, limit, requestIdOf, type Observation } from "../request/steps";
import type { DomainServices, Services } from "../services";

/* 1. CONTEXT ---------------------------------------------------------------------- */

export async function createTRPCContext({ req }: { req: Request }) {
  const services = consoleServices();
  const identity = await identityFromSessionCookie(services, cookieValue(req.headers.get("cookie"), SESSION_COOKIE));
  return { services, req, identity, requestId: requestIdOf(req.headers.get("x-request-id")), ip: req.headers.get(CLIENT_IP_HEADER) };
}

export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;

/* 2. INITIALISATION ---------------------------------------------------------------- */

const INTERNAL_MESSAGE = "The server could not complete the request.";

function issuesOf(cause: unknown): FieldIssue[] | null {
  if (isAppErrorLike(cause)) return cause.issues ?? null;
  const zodIssues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(zodIssues) ? fieldIssues(zodIssues as Parameters<typeof fieldIssues>[0], "input") : null;
}

const t = initTRPC.context<TRPCContext>().create({
  errorFormatter({ shape, error }) {
    const issues = error.code === "BAD_REQUEST" ? issuesOf(error.cause) : null;
    const message = issues && !isAppErrorLike(error.cause) ? `Check the form: ${issues.map((i) => `${i.field || "input"}: ${i.message}`).join("; ")}.` : shape.message;
    return { message, code: shape.code, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, issues } };
  },
});

/** Turns what a service threw into a TRPCError with the shared table's code and the service's own message. */
const mapErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (result.ok) return result;
  const err = result.error;
  const cause = err.cause;
  if (isAppErrorLike(cause)) {
    // The cause stays attached (never serialised) so the formatter can pass on its field issues.
    throw new TRPCError({ code: ERROR_TABLE[cause.kind].trpc, message: cause.kind === "internal" ? INTERNAL_MESSAGE : cause.message, cause });
  }
  if (err.code === "INTERNAL_SERVER_ERROR") {
    ctx.services.logger.error({ path, requestId: ctx.requestId, err: cause ? describeError(cause) : err.message }, "console request failed");
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE });
  }
  return result;
});

/** One observer per process: it caches metric label children. */
const observers = new WeakMap<Services, (o: Observation) => void>();

/** The observe step: every procedure gets the REST log line and request metrics. */
const observe = t.middleware(async ({ ctx, next, path, type }) => {
  const started = process.hrtime.bigint();
  const result = await next();
  let observer = observers.get(ctx.services);
  if (!observer) observers.set(ctx.services, (observer = createObserver(ctx.services)));
  observer({
    route: `trpc:${path}`,
    method: type.toUpperCase(),
    status: result.ok ? 200 : getHTTPStatusCodeFromError(result.error),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    requestId: ctx.requestId,
    url: `/api/trpc/${path}`,
    subject: ctx.identity?.subject,
  });
  return result;
});

/* 3. PROCEDURES -------------------------------------------------------------------- */

export const createTRPCRouter = t.router;

export const publicProcedure = t.procedure.use(observe).use(mapErrors);

/** Signed in, still allowed (token not revoked, operator not disabled), within its rate limit; mutations same-origin only. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  if (!ctx.identity) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to use the console." });
  if (type === "mutation") {
    const reason = crossSiteReason(ctx.req.headers);
    if (reason) throw new TRPCError({ code: "FORBIDDEN", message: `Cross-site request refused: ${reason}.` });
  }
  const { principal } = ctx.identity;
  const decided = limit(ctx.services, { principal });
  if (decided instanceof Promise) await decided;
  // Queries draw the console's pages; operator actions are mutations (a secret reveal is one).
  const actor: Actor = { principal, requestId: ctx.requestId, ip: ctx.ip, via: "console", navigation: type === "query" };
  // Procedures see the domain services only.
  const services: DomainServices = ctx.services;
  return next({ ctx: { ...ctx, services, identity: ctx.identity, actor } });
});
