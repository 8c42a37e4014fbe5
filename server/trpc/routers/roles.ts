/** Roles: list (with capabilities, for the matrix), create, change capabilities, delete (RoleService). */
import { z } from "zod";
import { CAPABILITIES, ZCapability } from "../../rbac/capabilities";
import { ROLE_NAME } from "../../rbac/roles-service";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

export const ZRoleName = z.string().trim().regex(ROLE_NAME, "lowercase letters, digits, '_' and '-', 1 to 63 characters");
const ZRole = z.object({ name: z.string(), description: z.string(), capabilities: z.array(ZCapability), builtin: z.boolean(), created_at: z.string(), updated_at: z.string() });

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
    .input(z.object({ name: ZRoleName, description: z.string().trim().max(1000).optional(), capabilities: z.array(ZCapability).min(1, "choose at least one capability").max(64) }))
    .output(ZRole)
    .mutation(({ ctx, input }) =>
      ctx.services.roles.create(ctx.actor, { name: input.name, capabilities: input.capabilities, ...(input.description ? { description: input.description } : {}) }),
    ),
  setCapabilities: protectedProcedure
    .input(z.object({ name: ZRoleName, capabilities: z.array(ZCapability).min(1, "a role needs at least one capability").max(64) }))
    .output(ZRole)
    .mutation(({ ctx, input }) => ctx.services.roles.update(ctx.actor, input.name, { capabilities: input.capabilities })),
  delete: protectedProcedure
    .input(z.object({ name: ZRoleName }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.roles.delete(ctx.actor, input.name);
      return OK;
    }),
});
