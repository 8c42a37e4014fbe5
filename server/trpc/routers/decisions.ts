/** Decision lanes for the overview: counts, allow/review/deny over time, most denied (needs audit:read everywhere). */
import { z } from "zod";
import { auditSuccess } from "../../audit/writer";
import { decisionOverview, RANGES, type Range } from "../../decisions/queries";
import { capabilityProcedure, createTRPCRouter } from "../trpc";

const ZRange = z.enum(Object.keys(RANGES) as [Range, ...Range[]]);
const ZNamedCount = z.object({ name: z.string(), count: z.number().int() });

export const decisionsRouter = createTRPCRouter({
  overview: capabilityProcedure("audit:read", "decisions.overview")
    .input(z.object({ range: ZRange.default("24h") }))
    .output(
      z.object({
        range: ZRange,
        counts: z.object({ realms: z.number().int(), secrets: z.number().int(), active_tokens: z.number().int(), denies_today: z.number().int() }),
        series: z.array(z.object({ t: z.string(), allow: z.number().int(), review: z.number().int(), deny: z.number().int() })),
        top_denied_capabilities: z.array(ZNamedCount),
        top_denied_subjects: z.array(ZNamedCount),
      }),
    )
    .query(async ({ ctx, input }) => {
      // Counts recorded in the last few seconds are still in memory; add them first.
      await ctx.services.decisions.flush();
      const overview = await decisionOverview(ctx.services.store.db, input.range);
      await auditSuccess(ctx.services.auditWriter, ctx.actor, "decisions.overview", { details: { range: input.range } });
      return overview;
    }),
});
