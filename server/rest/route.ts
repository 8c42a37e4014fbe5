/**
 * A REST route is data: method, path, zod schemas for params, query, body and response,
 * and a thin handler that calls one domain service. The same schemas validate requests
 * and generate the OpenAPI document, so the two cannot drift.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Actor } from "../rbac/principal";
import type { DomainServices } from "../services";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A reply that is not JSON (the Prometheus text format) or needs its own status. */
export interface RawReply {
  raw: true;
  status: number;
  contentType: string;
  body: string;
}

export interface HandlerContext<P, Q, B> {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  services: DomainServices;
  req: IncomingMessage;
}

export interface PublicContext<P, Q, F = undefined> {
  params: P;
  query: Q;
  /** The parsed form body, for routes that declare `form`. */
  form: F;
  services: DomainServices;
  req: IncomingMessage;
  requestId: string;
  /** The presented credential, if any (for /auth/verify). */
  credential: string | null;
}

interface Common<P extends z.ZodType, Q extends z.ZodType> {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  /** Success status; 204 routes have no response schema. */
  status?: number;
  description?: string;
  /** For the OpenAPI document: replies a handler sends itself (raw replies), by status. */
  responses?: Record<string, DocumentedResponse>;
}

export interface DocumentedResponse {
  description: string;
  contentType?: string;
  schema?: z.ZodType;
}

export interface AuthedRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> extends Common<P, Q> {
  public?: false;
  /** For the OpenAPI document: what the domain service checks. */
  capability: string;
  body?: B;
  response: R | null;
  handle(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R> | void>;
}

export interface PublicRoute<P extends z.ZodType, Q extends z.ZodType, R extends z.ZodType, F extends z.ZodType = z.ZodUndefined> extends Common<P, Q> {
  public: true;
  body?: undefined;
  /** An application/x-www-form-urlencoded body (OAuth endpoints). */
  form?: F;
  response: R | null;
  handle(ctx: PublicContext<z.output<P>, z.output<Q>, z.output<F>>): Promise<z.input<R> | RawReply>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the route table holds routes of every shape */
export type AnyRoute = AuthedRoute<any, any, any, any> | PublicRoute<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export function route<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodUndefined, R extends z.ZodType = z.ZodNull>(
  spec: AuthedRoute<P, Q, B, R>,
): AnyRoute {
  return spec as AnyRoute;
}

export function publicRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodNull, F extends z.ZodType = z.ZodUndefined>(
  spec: Omit<PublicRoute<P, Q, R, F>, "public">,
): AnyRoute {
  return { ...spec, public: true } as AnyRoute;
}

export { isOpaqueText, MAX_INT32, OPAQUE_TEXT } from "../contract";

/** Cursor paging shared by list endpoints. */
export const ZPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(200).optional(),
});

export const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    request_id: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details; `code` is stable and machine-readable" });
