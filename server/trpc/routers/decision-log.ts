/** The decision log in the console (the Audit page's "why" trace); DecisionService authorises and audits. */
import { ZDecisionId, ZReplayRequest } from "../../decisions/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const decisionLogRouter = createTRPCRouter({
  get: protectedProcedure.input(ZDecisionId).query(({ ctx, input }) => ctx.services.authorization.get(ctx.actor, input.id)),
  replay: protectedProcedure.input(ZDecisionId.extend(ZReplayRequest.shape)).mutation(({ ctx, input }) => ctx.services.authorization.replay(ctx.actor, input.id, input.policy_id)),
});
