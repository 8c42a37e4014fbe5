/** Step-up reviews in the console; ReviewService authorises (reviews:decide, self_review) and audits. */
import { z } from "zod";
import { REVIEW_STATES, ZApproveReview, ZDenyReview, ZReviewParams } from "../../reviews/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const reviewsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ state: z.enum(REVIEW_STATES).optional() }))
    .query(({ ctx, input }) => ctx.services.reviews.list(ctx.actor, { limit: 200, ...(input.state ? { state: input.state } : {}) })),
  approve: protectedProcedure.input(ZReviewParams.extend(ZApproveReview.shape)).mutation(({ ctx, input: { id, ...rest } }) => ctx.services.reviews.approve(ctx.actor, id, rest)),
  deny: protectedProcedure.input(ZReviewParams.extend(ZDenyReview.shape)).mutation(({ ctx, input: { id, ...rest } }) => ctx.services.reviews.deny(ctx.actor, id, rest)),
});
