/** API tokens: list, create (value shown once), rotate, revoke, revoke all (TokenService). */
import { z } from "zod";
import { ZCapability } from "../../rbac/capabilities";
import { parseTtl } from "../../tokens/ttl";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { ZRealmRef, ZTokenId } from "./schemas";

const ZToken = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  prefix: z.string(),
  is_admin: z.boolean(),
  capabilities: z.array(ZCapability),
  realms: z.array(z.string()),
  rate_limit: z.number().int().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  created_at: z.string(),
  created_by: z.string(),
});
const ZTokenWithValue = ZToken.extend({ token: z.string() });

export const tokensRouter = createTRPCRouter({
  list: protectedProcedure
    .input(z.object({ cursor: ZTokenId.optional() }).optional())
    .output(z.object({ items: z.array(ZToken), next_cursor: z.string().nullable() }))
    .query(({ ctx, input }) => ctx.services.tokens.list(ctx.actor, { limit: 100, ...(input?.cursor ? { cursor: input.cursor } : {}) })),
  create: protectedProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "a name is required").max(100),
        ttl: z
          .string()
          .trim()
          .max(20)
          .refine((v) => v === "" || parseTtl(v) !== null, 'use a TTL such as "90d", "12h" or "30m"')
          .optional(),
        capabilities: z.array(ZCapability).min(1, "choose at least one capability").max(64),
        realms: z.array(ZRealmRef).min(1, "choose at least one realm").max(100),
      }),
    )
    .output(ZTokenWithValue)
    .mutation(({ ctx, input }) =>
      ctx.services.tokens.create(ctx.actor, { name: input.name, capabilities: input.capabilities, realms: input.realms, ...(input.ttl ? { ttl: input.ttl } : {}) }),
    ),
  rotate: protectedProcedure
    .input(z.object({ id: ZTokenId }))
    .output(ZTokenWithValue)
    .mutation(({ ctx, input }) => ctx.services.tokens.rotate(ctx.actor, input.id)),
  revoke: protectedProcedure
    .input(z.object({ id: ZTokenId }))
    .output(ZToken)
    .mutation(({ ctx, input }) => ctx.services.tokens.revoke(ctx.actor, input.id)),
  revokeAll: protectedProcedure
    .input(z.object({ includeSelf: z.boolean().default(false) }))
    .output(z.object({ revoked: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.tokens.revokeAll(ctx.actor, input.includeSelf)),
});
