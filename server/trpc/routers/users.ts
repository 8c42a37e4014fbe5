/** Operators: list, create, disable/enable, reset password (UserService; needs `admin`). Roles are bound through the bindings router. */
import { z } from "zod";
import { ZCreateUser, ZResetPassword, ZSetUserDisabled, ZUser } from "../../users/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

export const usersRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(ZUser))
    .query(({ ctx }) => ctx.services.users.list(ctx.actor)),
  create: protectedProcedure
    .input(ZCreateUser)
    .output(ZUser)
    .mutation(({ ctx, input }) => ctx.services.users.create(ctx.actor, input)),
  setDisabled: protectedProcedure
    .input(ZSetUserDisabled)
    .output(ZUser)
    .mutation(({ ctx, input }) => ctx.services.users.setDisabled(ctx.actor, input.name, input.disabled)),
  resetPassword: protectedProcedure
    .input(ZResetPassword)
    .output(ZUser)
    .mutation(({ ctx, input }) => ctx.services.users.resetPassword(ctx.actor, input.name, input.password)),
});
