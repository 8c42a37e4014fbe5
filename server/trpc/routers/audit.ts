/** Audit search (filters, cursor pages) and chain verification (AuditService). */
import { z } from "zod";
import { ZAuditCursor, ZAuditRecord, ZAuditVerification } from "../../audit/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { ZRealmName } from "./schemas";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const auditRouter = createTRPCRouter({
  search: protectedProcedure
    .input(
      z.object({
        realm: z.union([ZRealmName, z.literal("")]).optional().transform((v) => (v ? v : undefined)),
        actor: optionalText(200),
        action: optionalText(100),
        outcome: z.enum(["success", "denied", "failure"]).optional(),
        requestId: optionalText(128),
        from: z.iso.datetime({ offset: true, message: "not a date and time" }).optional(),
        to: z.iso.datetime({ offset: true, message: "not a date and time" }).optional(),
        cursor: ZAuditCursor.optional(),
        limit: z.number().int().min(1).max(200).default(25),
      }),
    )
    .output(z.object({ items: z.array(ZAuditRecord), next_cursor: z.string().nullable() }))
    .query(({ ctx, input }) =>
      ctx.services.audit.search(ctx.actor, {
        limit: input.limit,
        ...(input.realm ? { realm: input.realm } : {}),
        ...(input.actor ? { actor: input.actor } : {}),
        ...(input.action ? { action: input.action } : {}),
        ...(input.outcome ? { outcome: input.outcome } : {}),
        ...(input.requestId ? { requestId: input.requestId } : {}),
        ...(input.from ? { from: new Date(input.from) } : {}),
        ...(input.to ? { to: new Date(input.to) } : {}),
        ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
      }),
    ),
  verify: protectedProcedure
    .input(z.object({}).optional())
    .output(ZAuditVerification)
    .query(({ ctx }) => ctx.services.audit.verify(ctx.actor)),
});
