/** API tokens: list, create (value shown once), edit, rotate, revoke, delete, revoke all (TokenService). */
import { z } from "zod";
import { ZCreateToken, ZRevokeAllResult, ZToken, ZTokenList, ZTokenParams, ZTokenWithValue, ZUpdateToken } from "../../tokens/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk, ZTokenId } from "./schemas";

export const tokensRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ cursor: ZTokenId.optional() }).optional())
    .output(ZTokenList)
    .query(({ ctx, input }) => ctx.services.tokens.list(ctx.actor, { limit: 100, cursor: input?.cursor })),
  create: protectedProcedure
    .input(ZCreateToken)
    .output(ZTokenWithValue)
    .mutation(({ ctx, input }) => ctx.services.tokens.create(ctx.actor, input)),
  rotate: protectedProcedure
    .input(ZTokenParams)
    .output(ZTokenWithValue)
    .mutation(({ ctx, input }) => ctx.services.tokens.rotate(ctx.actor, input.id)),
  revoke: protectedProcedure
    .input(ZTokenParams)
    .output(ZToken)
    .mutation(({ ctx, input }) => ctx.services.tokens.revoke(ctx.actor, input.id)),
  update: protectedProcedure
    .input(ZTokenParams.extend(ZUpdateToken.shape))
    .output(ZToken)
    .mutation(({ ctx, input: { id, ...patch } }) => ctx.services.tokens.update(ctx.actor, id, patch)),
  delete: protectedProcedure
    .input(ZTokenParams)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.tokens.delete(ctx.actor, input.id);
      return OK;
    }),
  revokeAll: protectedProcedure
    .input(z.object({ includeSelf: z.boolean().default(false) }))
    .output(ZRevokeAllResult)
    .mutation(({ ctx, input }) => ctx.services.tokens.revokeAll(ctx.actor, input.includeSelf)),
});
