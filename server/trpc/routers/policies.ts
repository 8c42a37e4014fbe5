/** Cedar policy versions in the console; PolicyService authorises and audits. */
import { z } from "zod";
import { ZActivate, ZCreatePolicy, ZPolicyId, ZSimulate, ZValidateSource } from "../../policies/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const ZId = z.object({ id: ZPolicyId });

export const policiesRouter = createTRPCRouter({
  list: protectedProcedure.query(({ ctx }) => ctx.services.policies.list(ctx.actor, { limit: 200 })),
  get: protectedProcedure.input(ZId).query(({ ctx, input }) => ctx.services.policies.get(ctx.actor, input.id)),
  create: protectedProcedure.input(ZCreatePolicy).mutation(({ ctx, input }) => ctx.services.policies.create(ctx.actor, input)),
  /** The editor's validate-as-you-type (no version is created). A mutation: a document is too long for a GET URL. */
  validateSource: protectedProcedure.input(ZValidateSource).mutation(({ ctx, input }) => ctx.services.policies.validateSource(ctx.actor, input.source)),
  validate: protectedProcedure.input(ZId).mutation(({ ctx, input }) => ctx.services.policies.validate(ctx.actor, input.id)),
  simulate: protectedProcedure.input(ZId.extend(ZSimulate.shape)).mutation(({ ctx, input: { id, ...rest } }) => ctx.services.policies.simulate(ctx.actor, id, rest)),
  activate: protectedProcedure.input(ZId.extend(ZActivate.shape)).mutation(({ ctx, input }) => ctx.services.policies.activate(ctx.actor, input.id, input.mode ?? "enforce")),
  shadow: protectedProcedure.input(ZId).query(({ ctx, input }) => ctx.services.policies.shadow(ctx.actor, input.id, 50)),
  schema: protectedProcedure.query(({ ctx }) => ctx.services.policies.schema(ctx.actor)),
});
