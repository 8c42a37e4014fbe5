/** Bindings of subjects (user:<name>, token:<id>) to roles, per realm or in every realm (RoleService). */
import { z } from "zod";
import { SUBJECT } from "../../rbac/roles-service";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { ZRoleName } from "./roles";
import { OK, ZOk, ZRealmRef } from "./schemas";

const ZBinding = z.object({ id: z.string(), subject: z.string(), role: z.string(), realm: z.string(), created_at: z.string() });

export const bindingsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ subject: z.string().optional() }).optional())
    .output(z.array(ZBinding))
    .query(async ({ ctx, input }) => {
      const all = await ctx.services.roles.listBindings(ctx.actor);
      return input?.subject ? all.filter((b) => b.subject === input.subject) : all;
    }),
  create: protectedProcedure
    .input(z.object({ subject: z.string().trim().regex(SUBJECT, 'a subject is "user:<name>" or "token:<id>"'), role: ZRoleName, realm: ZRealmRef }))
    .output(ZBinding)
    .mutation(({ ctx, input }) => ctx.services.roles.bind(ctx.actor, input)),
  delete: protectedProcedure
    .input(z.object({ id: z.string().regex(/^bnd_[0-9a-f]{32}$/, "not a binding id") }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.roles.unbind(ctx.actor, input.id);
      return OK;
    }),
});
