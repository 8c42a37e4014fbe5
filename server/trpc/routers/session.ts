/** The console session: the principal's rights per realm (for navigation and realm pickers) and subject names (SessionService). */
import { z } from "zod";
import { ZResolveSubjects, ZSearchSubjects, ZSessionMe, ZSubjectName } from "../../session/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const sessionRouter = createTRPCRouter({
  me: protectedProcedure
    .input(z.object({}).optional())
    .output(ZSessionMe)
    .query(({ ctx }) => ctx.services.session.me(ctx.actor, ctx.identity)),
  names: protectedProcedure
    .input(ZResolveSubjects)
    .output(z.array(ZSubjectName))
    .query(({ ctx, input }) => ctx.services.session.names(input.subjects)),
  subjects: protectedProcedure
    .input(ZSearchSubjects)
    .output(z.array(ZSubjectName))
    .query(({ ctx, input }) => ctx.services.session.search(ctx.actor, input.query)),
});
