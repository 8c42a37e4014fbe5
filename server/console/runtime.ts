/**
 * The running process's services, for code that Next bundles (route handlers, server
 * components): the global that `publishServices()` in server/services.ts sets, reached with a
 * type-only import: importing that module would pull the whole service graph (Prisma
 * clients, drivers) into every route bundle, and those copies would never be used.
 *
 * Because route code is a separate bundle, classes such as AppError exist twice (the
 * server's copy and the bundle's copy): recognise errors by shape, never `instanceof`.
 */
import { ERROR_TABLE, type ErrorKind } from "../errors";
import type { Services } from "../services";

const GLOBAL_KEY = Symbol.for("arcan.services");

export function consoleServices(): Services {
  const services = (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as Services | undefined;
  if (!services) throw new Error("Arcan services are not running in this process");
  return services;
}

export interface AppErrorLike {
  name: "AppError";
  kind: ErrorKind;
  code: string;
  message: string;
  issues?: { field: string; message: string }[];
}

export function isAppErrorLike(err: unknown): err is AppErrorLike {
  if (typeof err !== "object" || err === null) return false;
  const e = err as Record<string, unknown>;
  return e.name === "AppError" && typeof e.kind === "string" && Object.hasOwn(ERROR_TABLE, e.kind) && typeof e.message === "string";
}
