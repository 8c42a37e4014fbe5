/** Audit search (filters, cursor pages) and chain verification (AuditService). */
import { z } from "zod";
import { ZAuditPage, ZAuditQuery, ZAuditVerification } from "../../audit/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const auditRouter = createTRPCRouter({
  search: protectedProcedure
    .input(ZAuditQuery)
    .output(ZAuditPage)
    .query(({ ctx, input }) => ctx.services.audit.search(ctx.actor, input)),
  verify: protectedProcedure
    .input(z.object({}).optional())
    .output(ZAuditVerification)
    .query(({ ctx }) => ctx.services.audit.verify(ctx.actor)),
});
