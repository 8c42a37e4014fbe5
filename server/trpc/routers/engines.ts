/** Engine mounts of a realm and their roles, for the console's Engines page (EngineService). */
import { z } from "zod";
import { ZEngine, ZEngineName, ZMountInput, ZMountPatch, ZRealmName, ZRole, ZRoleInput, ZRoleName, ZRolePatch } from "../../engines/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

const ZEngineRef = z.object({ realm: ZRealmName, name: ZEngineName });
const ZRoleRef = ZEngineRef.extend({ role: ZRoleName });

export const enginesRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ realm: ZRealmName }))
    .output(z.array(ZEngine))
    .query(({ ctx, input }) => ctx.services.engines.list(ctx.actor, input.realm)),
  get: protectedProcedure
    .input(ZEngineRef)
    .output(ZEngine)
    .query(({ ctx, input }) => ctx.services.engines.get(ctx.actor, input.realm, input.name)),
  mount: protectedProcedure
    .input(ZMountInput.extend({ realm: ZRealmName }))
    .output(ZEngine)
    .mutation(({ ctx, input: { realm, ...mount } }) => ctx.services.engines.mount(ctx.actor, realm, mount)),
  update: protectedProcedure
    .input(ZMountPatch.extend({ realm: ZRealmName, name: ZEngineName }))
    .output(ZEngine)
    .mutation(({ ctx, input }) => ctx.services.engines.update(ctx.actor, input.realm, input.name, { config: input.config })),
  delete: protectedProcedure
    .input(ZEngineRef.extend({ force: z.boolean().default(false) }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.engines.delete(ctx.actor, input.realm, input.name, input.force);
      return OK;
    }),
  rotateRoot: protectedProcedure
    .input(ZEngineRef)
    .output(ZEngine)
    .mutation(({ ctx, input }) => ctx.services.engines.rotateRoot(ctx.actor, input.realm, input.name)),
  roles: protectedProcedure
    .input(ZEngineRef)
    .output(z.array(ZRole))
    .query(({ ctx, input }) => ctx.services.engines.listRoles(ctx.actor, input.realm, input.name)),
  createRole: protectedProcedure
    .input(z.object({ realm: ZRealmName, engine: ZEngineName, role: ZRoleInput }))
    .output(ZRole)
    .mutation(({ ctx, input }) => ctx.services.engines.createRole(ctx.actor, input.realm, input.engine, input.role)),
  updateRole: protectedProcedure
    .input(ZRoleRef.extend({ patch: ZRolePatch }))
    .output(ZRole)
    .mutation(({ ctx, input }) => ctx.services.engines.updateRole(ctx.actor, input.realm, input.name, input.role, input.patch)),
  deleteRole: protectedProcedure
    .input(ZRoleRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.engines.deleteRole(ctx.actor, input.realm, input.name, input.role);
      return OK;
    }),
});
