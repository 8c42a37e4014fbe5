/** Decision lanes for the overview: counts, allow/review/deny over time, most denied (DecisionService). */
import { ZOverview, ZOverviewInput } from "../../decisions/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const decisionsRouter = createTRPCRouter({
  overview: protectedProcedure
    .input(ZOverviewInput)
    .output(ZOverview)
    .query(({ ctx, input }) => ctx.services.decisionOverview.overview(ctx.actor, input.range)),
});
