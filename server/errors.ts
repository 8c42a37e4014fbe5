/**
 * Typed errors shared by every domain service, and the one table that maps them to
 * HTTP status codes (REST, problem+json) and tRPC codes (console).
 */
import type { z } from "zod";

export type ErrorKind =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable"
  | "internal"
  | "not_implemented"
  | "bad_gateway"
  | "gateway_timeout";

export type TrpcCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_SUPPORTED"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR"
  | "NOT_IMPLEMENTED"
  | "BAD_GATEWAY"
  | "GATEWAY_TIMEOUT";

export const ERROR_TABLE: Record<ErrorKind, { status: number; trpc: TrpcCode; title: string }> = {
  invalid_input: { status: 400, trpc: "BAD_REQUEST", title: "Invalid request" },
  unauthenticated: { status: 401, trpc: "UNAUTHORIZED", title: "Authentication required" },
  forbidden: { status: 403, trpc: "FORBIDDEN", title: "Permission denied" },
  not_found: { status: 404, trpc: "NOT_FOUND", title: "Not found" },
  method_not_allowed: { status: 405, trpc: "METHOD_NOT_SUPPORTED", title: "Method not allowed" },
  conflict: { status: 409, trpc: "CONFLICT", title: "Conflict" },
  payload_too_large: { status: 413, trpc: "PAYLOAD_TOO_LARGE", title: "Payload too large" },
  unsupported_media_type: { status: 415, trpc: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported media type" },
  rate_limited: { status: 429, trpc: "TOO_MANY_REQUESTS", title: "Too many requests" },
  unavailable: { status: 503, trpc: "SERVICE_UNAVAILABLE", title: "Service unavailable" },
  internal: { status: 500, trpc: "INTERNAL_SERVER_ERROR", title: "Internal error" },
  not_implemented: { status: 501, trpc: "NOT_IMPLEMENTED", title: "Not implemented" },
  bad_gateway: { status: 502, trpc: "BAD_GATEWAY", title: "Bad gateway" },
  gateway_timeout: { status: 504, trpc: "GATEWAY_TIMEOUT", title: "Gateway timeout" },
};

export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Stable machine-readable code, e.g. "realm_not_found", "cas_mismatch". */
  readonly code: string;
  readonly issues: FieldIssue[] | undefined;
  readonly headers: Record<string, string> | undefined;
  /** Extra problem members a protocol requires (OAuth's `error`, `error_description`). */
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    kind: ErrorKind,
    detail: string,
    opts: { code?: string; issues?: FieldIssue[]; headers?: Record<string, string>; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AppError";
    this.kind = kind;
    this.code = opts.code ?? kind;
    this.issues = opts.issues;
    this.headers = opts.headers;
    this.extensions = opts.extensions;
  }

  get status(): number {
    return ERROR_TABLE[this.kind].status;
  }
}

export const errors = {
  invalid: (detail: string, issues?: FieldIssue[], code = "invalid_input") =>
    new AppError("invalid_input", detail, { code, ...(issues ? { issues } : {}) }),
  unauthenticated: (detail = "A valid API token is required.", code = "unauthenticated") =>
    new AppError("unauthenticated", detail, { code }),
  forbidden: (detail: string, code = "forbidden") => new AppError("forbidden", detail, { code }),
  notFound: (what: string, code = "not_found") => new AppError("not_found", `${what} was not found.`, { code }),
  conflict: (detail: string, code = "conflict") => new AppError("conflict", detail, { code }),
};

/**
 * Anything that is not an AppError becomes a generic 500 that reveals nothing, except a
 * unique-constraint violation (Prisma P2002): two requests raced to create the same name,
 * and the loser gets the 409 it would have got a moment later.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if ((err as { code?: unknown } | null)?.code === "P2002") {
    return new AppError("conflict", "A resource with that name or id already exists (created by a concurrent request).", { code: "conflict", cause: err });
  }
  return new AppError("internal", "The server could not complete the request.", { code: "internal", cause: err });
}

type ZodIssue = z.core.$ZodIssue;

/** The one converter from zod issues to the contract's field errors (REST problems, tRPC errors, service checks). */
export function fieldIssues(issues: readonly ZodIssue[], where: string): FieldIssue[] {
  return issues.map((i) => ({
    field: i.code === "unrecognized_keys" ? i.keys.join(", ") : i.path.map(String).join(".") || where,
    message: i.code === "unrecognized_keys" ? "unknown field" : i.message,
  }));
}

/** A 400 naming every field that failed, the first one in the detail. */
export function invalidInput(issues: readonly ZodIssue[], where: string): AppError {
  const fields = fieldIssues(issues, where);
  const first = fields[0] ?? { field: where, message: "invalid" };
  return new AppError("invalid_input", `Invalid ${where}: ${first.field}: ${first.message}.`, { code: "validation_failed", issues: fields });
}

/** Parses with a contract schema; a failure is the same 400 whichever transport called. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error.issues, where);
  return result.data;
}
