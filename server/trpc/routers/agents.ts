/** Agents for the console: list, register (credential shown once), change, disable, rotate, delete (AgentService). */
import { z } from "zod";
import { ZAgent, ZAgentId, ZAgentList, ZAgentWithCredential, ZCreateAgent, ZUpdateAgent } from "../../agents/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

export const agentsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ cursor: ZAgentId.optional() }).optional())
    .output(ZAgentList)
    .query(({ ctx, input }) => ctx.services.agents.list(ctx.actor, { limit: 100, ...(input?.cursor ? { cursor: input.cursor } : {}) })),
  create: protectedProcedure
    .input(ZCreateAgent)
    .output(ZAgentWithCredential)
    .mutation(({ ctx, input }) => ctx.services.agents.create(ctx.actor, input)),
  update: protectedProcedure
    .input(z.object({ id: ZAgentId, patch: ZUpdateAgent }))
    .output(ZAgent)
    .mutation(({ ctx, input }) => ctx.services.agents.update(ctx.actor, input.id, input.patch)),
  rotate: protectedProcedure
    .input(z.object({ id: ZAgentId }))
    .output(ZAgentWithCredential)
    .mutation(({ ctx, input }) => ctx.services.agents.rotate(ctx.actor, input.id)),
  delete: protectedProcedure
    .input(z.object({ id: ZAgentId }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.agents.delete(ctx.actor, input.id);
      return OK;
    }),
});
