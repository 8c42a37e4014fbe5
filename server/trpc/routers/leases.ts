/** Leases of a realm, for the console's Leases page (LeaseService). */
import { z } from "zod";
import { ZRealmName } from "../../engines/schemas";
import { LEASE_STATES, ZLease, ZLeaseId, ZLeaseList, ZLeaseRenew, ZLeaseWithWarnings } from "../../leases/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

const ZLeaseRef = z.object({ realm: ZRealmName, id: ZLeaseId });

export const leasesRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ realm: ZRealmName, state: z.enum(LEASE_STATES).optional() }))
    .output(ZLeaseList)
    .query(({ ctx, input }) => ctx.services.leases.list(ctx.actor, input.realm, { limit: 500, ...(input.state ? { state: input.state } : {}) })),
  renew: protectedProcedure
    .input(ZLeaseRef.extend({ increment: ZLeaseRenew.shape.increment }))
    .output(ZLeaseWithWarnings)
    .mutation(({ ctx, input }) => ctx.services.leases.renew(ctx.actor, input.realm, input.id, input.increment === undefined ? {} : { increment: input.increment })),
  /** Also "Retry" for a revoke_failed lease. */
  revoke: protectedProcedure
    .input(ZLeaseRef)
    .output(ZLease)
    .mutation(({ ctx, input }) => ctx.services.leases.revoke(ctx.actor, input.realm, input.id)),
  forget: protectedProcedure
    .input(ZLeaseRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.leases.forget(ctx.actor, input.realm, input.id);
      return OK;
    }),
});
