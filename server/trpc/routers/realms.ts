/** Realms: list, create, delete (RealmService). */
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk, ZRealmName } from "./schemas";

const ZRealm = z.object({ name: z.string(), description: z.string(), created_at: z.string(), updated_at: z.string() });

export const realmsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(ZRealm))
    .query(({ ctx }) => ctx.services.realms.list(ctx.actor)),
  create: protectedProcedure
    .input(z.object({ name: ZRealmName, description: z.string().trim().max(1000).optional() }))
    .output(ZRealm)
    .mutation(({ ctx, input }) => ctx.services.realms.create(ctx.actor, { name: input.name, ...(input.description ? { description: input.description } : {}) })),
  delete: protectedProcedure
    .input(z.object({ name: ZRealmName }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.realms.delete(ctx.actor, input.name);
      return OK;
    }),
});
