/**
 * tRPC setup for the console, in numbered sections (t3 style):
 *   1. context: the services, the request, and who is signed in (from the session cookie)
 *   2. initialisation: the error formatter (messages for people, field issues, no stacks)
 *   3. procedures: `publicProcedure`, `protectedProcedure` (identity checked here, in the
 *      procedure, never only in Next middleware; cross-site mutations refused) and
 *      `capabilityProcedure` for the few reads that do not go through a domain service.
 * Domain services do authorisation and audit; their AppErrors map to tRPC codes through
 * the one table in server/errors.ts.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { ERROR_TABLE } from "../errors";
import { newRequestId } from "../ids";
import { crossSiteReason } from "../console/origin";
import { consoleServices, isAppErrorLike } from "../console/runtime";
import { CLIENT_IP_HEADER } from "../console/security-headers";
import { cookieValue, identityFromSessionCookie, SESSION_COOKIE } from "../console/session";
import type { Capability } from "../rbac/capabilities";
import type { Actor } from "../rbac/principal";

/* 1. CONTEXT ---------------------------------------------------------------------- */

export async function createTRPCContext({ req }: { req: Request }) {
  const services = consoleServices();
  const identity = await identityFromSessionCookie(services, cookieValue(req.headers.get("cookie"), SESSION_COOKIE));
  return { services, req, identity, requestId: newRequestId(), ip: req.headers.get(CLIENT_IP_HEADER) };
}

export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;

/* 2. INITIALISATION ---------------------------------------------------------------- */

const INTERNAL_MESSAGE = "The server could not complete the request.";

const t = initTRPC.context<TRPCContext>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause as { issues?: unknown } | undefined;
    const issues =
      error.code === "BAD_REQUEST" && Array.isArray(cause?.issues)
        ? (cause.issues as { path?: PropertyKey[]; message?: string; field?: string }[]).map((i) => ({
            field: i.field ?? (i.path ?? []).map(String).join("."),
            message: i.message ?? "invalid",
          }))
        : null;
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
    ctx.services.logger.error({ path, requestId: ctx.requestId, err: cause ? `${cause.name}: ${cause.message.split("\n")[0]}` : err.message }, "console request failed");
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE });
  }
  return result;
});

/* 3. PROCEDURES -------------------------------------------------------------------- */

export const createTRPCRouter = t.router;

export const publicProcedure = t.procedure.use(mapErrors);

/** Signed in, still allowed (token not revoked, operator not disabled); mutations same-origin only. */
export const protectedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  if (!ctx.identity) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to use the console." });
  if (type === "mutation") {
    const reason = crossSiteReason(ctx.req.headers);
    if (reason) throw new TRPCError({ code: "FORBIDDEN", message: `Cross-site request refused: ${reason}.` });
  }
  const actor: Actor = { principal: ctx.identity.principal, requestId: ctx.requestId, ip: ctx.ip, via: "console" };
  return next({ ctx: { ...ctx, identity: ctx.identity, actor } });
});

/** For reads that no domain service guards (e.g. chart aggregates): the capability is checked, and denials audited, by the access guard. */
export function capabilityProcedure(capability: Capability, action: string) {
  return protectedProcedure.use(async ({ ctx, next }) => {
    await ctx.services.access.require(ctx.actor, capability, action);
    return next();
  });
}
