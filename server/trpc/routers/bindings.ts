/** Bindings of subjects (user:<name>, token:<id>) to roles, per realm or in every realm (RoleService). */
import { z } from "zod";
import { ZBinding, ZBindingParams, ZCreateBinding } from "../../rbac/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

export const bindingsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ subject: z.string().optional() }).optional())
    .output(z.array(ZBinding))
    .query(({ ctx, input }) => ctx.services.roles.listBindings(ctx.actor, input ?? {})),
  create: protectedProcedure
    .input(ZCreateBinding)
    .output(ZBinding)
    .mutation(({ ctx, input }) => ctx.services.roles.bind(ctx.actor, input)),
  delete: protectedProcedure
    .input(ZBindingParams)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.roles.unbind(ctx.actor, input.id);
      return OK;
    }),
});
