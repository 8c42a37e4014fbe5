/** Roles: list (with capabilities, for the matrix), create, change capabilities, delete (RoleService). */
import { z } from "zod";
import { CAPABILITIES, ZCapability } from "../../rbac/capabilities";
import { ZCreateRole, ZRole, ZRoleParams, ZUpdateRole } from "../../rbac/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

/** Where routers have imported it from; its definition is the rbac contract's. */
export { ZRoleName } from "../../rbac/schemas";

export const rolesRouter = createTRPCRouter({
  /** The capability names, in the contract's order (so the browser bundle needs no copy of the list). */
  capabilities: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(ZCapability))
    .query(() => [...CAPABILITIES]),
  list: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(ZRole))
    .query(({ ctx }) => ctx.services.roles.list(ctx.actor)),
  create: protectedProcedure
    .input(ZCreateRole)
    .output(ZRole)
    .mutation(({ ctx, input }) => ctx.services.roles.create(ctx.actor, input)),
  setCapabilities: protectedProcedure
    .input(ZRoleParams.extend({ capabilities: ZUpdateRole.shape.capabilities.unwrap() }))
    .output(ZRole)
    .mutation(({ ctx, input }) => ctx.services.roles.update(ctx.actor, input.name, { capabilities: input.capabilities })),
  delete: protectedProcedure
    .input(ZRoleParams)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.roles.delete(ctx.actor, input.name);
      return OK;
    }),
});
