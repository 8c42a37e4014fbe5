/** Realms: list, create, edit the description, delete (RealmService). */
import { z } from "zod";
import { ZCreateRealm, ZRealm, ZRealmParams, ZUpdateRealm } from "../../realms/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

export const realmsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(ZRealm))
    .query(({ ctx }) => ctx.services.realms.list(ctx.actor)),
  create: protectedProcedure
    .input(ZCreateRealm)
    .output(ZRealm)
    .mutation(({ ctx, input }) => ctx.services.realms.create(ctx.actor, input)),
  update: protectedProcedure
    .input(z.object({ name: ZRealmParams.shape.realm }).extend(ZUpdateRealm.shape))
    .output(ZRealm)
    .mutation(({ ctx, input: { name, ...patch } }) => ctx.services.realms.update(ctx.actor, name, patch)),
  delete: protectedProcedure
    .input(z.object({ name: ZRealmParams.shape.realm }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.realms.delete(ctx.actor, input.name);
      return OK;
    }),
});
