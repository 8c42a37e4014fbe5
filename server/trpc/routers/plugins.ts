/** Plugins in the console: the installed list, recent crashes, install, upgrade, remove. Authorisation and audit happen in PluginService. */
import { z } from "zod";
import { ZInstallFromRegistry, ZPluginName, ZVersion } from "../../plugins/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const pluginsRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => ctx.services.plugins.list(ctx.actor)),
  crashes: protectedProcedure.query(({ ctx }) => ctx.services.plugins.crashes(ctx.actor, 50)),
  install: protectedProcedure.input(ZInstallFromRegistry).mutation(({ ctx, input }) => ctx.services.plugins.install(ctx.actor, input)),
  upgrade: protectedProcedure.input(z.object({ name: ZPluginName, version: ZVersion })).mutation(({ ctx, input }) => ctx.services.plugins.upgrade(ctx.actor, input.name, input.version)),
  remove: protectedProcedure.input(z.object({ name: ZPluginName })).mutation(async ({ ctx, input }) => {
    await ctx.services.plugins.remove(ctx.actor, input.name);
    return { ok: true as const };
  }),
});
