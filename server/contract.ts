/** Rules every contract module (server/<domain>/schemas.ts) may share, below the transports. */
import type { z } from "zod";

/** Prisma's Int is 32-bit on both stores: a larger number in a request is refused, never sent to a query. */
export const MAX_INT32 = 2_147_483_647;

/**
 * Marks a body field as opaque bytes-in-text (a secret's value, stored only as ciphertext):
 * the REST app's U+0000 check skips it, since no store ever sees it as text.
 */
export const OPAQUE_TEXT = { "x-arcan-opaque": true } as const;

export function isOpaqueText(schema: z.ZodType): boolean {
  return schema.meta()?.["x-arcan-opaque"] === true;
}
