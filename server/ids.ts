import { randomUUID } from "node:crypto";

/** Opaque identifiers: a readable prefix plus a random UUID (never Math.random). */
export function newId(prefix: "tok" | "rlm" | "rol" | "bnd" | "sec" | "usr" | "aud" | "dec" | "whk" | "evt" | "msg" | "att"): string {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}

export function newRequestId(): string {
  return `req_${randomUUID().replaceAll("-", "")}`;
}
