/** The console's Gateway page: routes (list, create, delete) and recent proxied requests (GatewayService). */
import { z } from "zod";
import { ZCreateGatewayRoute, ZGatewayRequestList, ZGatewayRequestsQuery, ZGatewayRoute, ZGatewayRouteList, ZGatewayRouteName } from "../../gateway/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

export const gatewayRouter = createTRPCRouter({
  list: protectedProcedure.output(ZGatewayRouteList).query(({ ctx }) => ctx.services.gateway.list(ctx.actor)),
  create: protectedProcedure
    .input(ZCreateGatewayRoute)
    .output(ZGatewayRoute)
    .mutation(({ ctx, input }) => ctx.services.gateway.create(ctx.actor, input)),
  delete: protectedProcedure
    .input(z.object({ name: ZGatewayRouteName }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.gateway.delete(ctx.actor, input.name);
      return OK;
    }),
  requests: protectedProcedure
    .input(ZGatewayRequestsQuery.optional())
    .output(ZGatewayRequestList)
    .query(({ ctx, input }) => ctx.services.gateway.requests(ctx.actor, { limit: input?.limit ?? 50, ...(input?.route ? { route: input.route } : {}) })),
});
