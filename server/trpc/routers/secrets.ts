/** KV secrets of one realm: keys, reveal (audited), new version, history, delete (SecretService). */
import { z } from "zod";
import { ZPutSecret, ZSecret, ZSecretList, ZSecretListParams, ZSecretMeta, ZSecretParams, ZSecretVersion, ZSecretVersionQuery } from "../../secrets/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

export const secretsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(ZSecretListParams.extend({ cursor: z.string().optional() }))
    .output(ZSecretList)
    .query(({ ctx, input }) => ctx.services.secrets.list(ctx.actor, input.realm, { limit: 100, cursor: input.cursor })),
  // A mutation, not a query: revealing a value is an audited act, and mutations get the cross-site check.
  reveal: protectedProcedure
    .input(ZSecretParams.extend({ version: ZSecretVersionQuery.shape.version }))
    .output(ZSecret)
    .mutation(({ ctx, input }) => ctx.services.secrets.get(ctx.actor, input.realm, input.key, input.version)),
  put: protectedProcedure
    .input(ZSecretParams.extend(ZPutSecret.shape))
    .output(ZSecretMeta)
    .mutation(({ ctx, input }) => ctx.services.secrets.put(ctx.actor, input.realm, input.key, input.value, input.cas)),
  versions: protectedProcedure
    .input(ZSecretParams)
    .output(z.array(ZSecretVersion))
    .query(({ ctx, input }) => ctx.services.secrets.versions(ctx.actor, input.realm, input.key)),
  delete: protectedProcedure
    .input(ZSecretParams)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.secrets.delete(ctx.actor, input.realm, input.key);
      return OK;
    }),
});
