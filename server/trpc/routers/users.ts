/** Operators: list, create, disable/enable, reset password (UserService; needs `admin`). Roles are bound through the bindings router. */
import { z } from "zod";
import { MAX_PASSWORD, MIN_PASSWORD, USER_NAME } from "../../users/names";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const ZUserName = z.string().trim().regex(USER_NAME, "1 to 64 letters, digits, '.', '_', '@' or '-'");
const ZPassword = z.string().min(MIN_PASSWORD, `at least ${MIN_PASSWORD} characters`).max(MAX_PASSWORD);
const ZUser = z.object({ name: z.string(), subject: z.string(), disabled: z.boolean(), created_at: z.string(), updated_at: z.string() });

export const usersRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(ZUser))
    .query(({ ctx }) => ctx.services.users.list(ctx.actor)),
  create: protectedProcedure
    .input(z.object({ name: ZUserName, password: ZPassword }))
    .output(ZUser)
    .mutation(({ ctx, input }) => ctx.services.users.create(ctx.actor, input)),
  setDisabled: protectedProcedure
    .input(z.object({ name: ZUserName, disabled: z.boolean() }))
    .output(ZUser)
    .mutation(({ ctx, input }) => ctx.services.users.setDisabled(ctx.actor, input.name, input.disabled)),
  resetPassword: protectedProcedure
    .input(z.object({ name: ZUserName, password: ZPassword }))
    .output(ZUser)
    .mutation(({ ctx, input }) => ctx.services.users.resetPassword(ctx.actor, input.name, input.password)),
});
