/** API tokens: list, create (value shown once), rotate, revoke, revoke all (TokenService). */
import { z } from "zod";
import { ZCreateToken, ZRevokeAllResult, ZToken, ZTokenList, ZTokenParams, ZTokenWithValue } from "../../tokens/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { ZTokenId } from "./schemas";

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
  revokeAll: protectedProcedure
    .input(z.object({ includeSelf: z.boolean().default(false) }))
    .output(ZRevokeAllResult)
    .mutation(({ ctx, input }) => ctx.services.tokens.revokeAll(ctx.actor, input.includeSelf)),
});
