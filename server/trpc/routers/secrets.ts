/** KV secrets of one realm: keys, reveal (audited), new version, history, delete (SecretService). */
import { z } from "zod";
import { SECRET_KEY } from "../../secrets/service";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk, ZRealmName } from "./schemas";

const ZKey = z.string().trim().regex(SECRET_KEY, "letters, digits, '.', '_' and '-', starting with a letter or digit");
const ZSecretMeta = z.object({ key: z.string(), version: z.number().int(), created_at: z.string(), updated_at: z.string() });

export const secretsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ realm: ZRealmName, cursor: z.string().optional() }))
    .output(z.object({ items: z.array(ZSecretMeta), next_cursor: z.string().nullable() }))
    .query(({ ctx, input }) => ctx.services.secrets.list(ctx.actor, input.realm, { limit: 100, ...(input.cursor ? { cursor: input.cursor } : {}) })),
  // A mutation, not a query: revealing a value is an audited act, and mutations get the cross-site check.
  reveal: protectedProcedure
    .input(z.object({ realm: ZRealmName, key: ZKey, version: z.number().int().positive().optional() }))
    .output(ZSecretMeta.extend({ value: z.string() }))
    .mutation(({ ctx, input }) => ctx.services.secrets.get(ctx.actor, input.realm, input.key, input.version)),
  put: protectedProcedure
    .input(z.object({ realm: ZRealmName, key: ZKey, value: z.string().min(1, "a value is required"), cas: z.number().int().min(0).optional() }))
    .output(ZSecretMeta)
    .mutation(({ ctx, input }) => ctx.services.secrets.put(ctx.actor, input.realm, input.key, input.value, input.cas)),
  versions: protectedProcedure
    .input(z.object({ realm: ZRealmName, key: ZKey }))
    .output(z.array(z.object({ version: z.number().int(), created_at: z.string(), created_by: z.string(), current: z.boolean() })))
    .query(({ ctx, input }) => ctx.services.secrets.versions(ctx.actor, input.realm, input.key)),
  delete: protectedProcedure
    .input(z.object({ realm: ZRealmName, key: ZKey }))
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.secrets.delete(ctx.actor, input.realm, input.key);
      return OK;
    }),
});
