/**
 * Webhooks in the console: endpoints (create shows the secret once, edit, delete, ping),
 * the delivery log and its live updates (a subscription over SSE), and redelivery.
 * Authorisation and audit happen in WebhookService.
 */
import { z } from "zod";
import { ZCreatedEndpoint, ZCreateWebhook, ZDelivery, ZDeliveryId, ZEndpoint, LOG_PAGE_SIZE, ZLogEntry, ZLogFilter, ZLogPage, ZUpdateWebhook, ZWebhookId, ZWebhookParams, type LogEntry } from "../../webhooks/schemas";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { OK, ZOk } from "./schemas";

/** Other processes' attempts are not announced here; poll for them this often. */
const LIVE_POLL_MS = 2_000;
/** Announcements within this window share one query. */
const LIVE_BATCH_MS = 200;
/** An attempt is recorded when it ends, at most this long after it started. */
const ATTEMPT_WINDOW_MS = 15_000;
const LOG_LIMIT = 200;

export const webhooksRouter = createTRPCRouter({
  list: protectedProcedure.output(z.array(ZEndpoint)).query(({ ctx }) => ctx.services.webhooks.list(ctx.actor)),
  create: protectedProcedure
    .input(ZCreateWebhook)
    .output(ZCreatedEndpoint)
    .mutation(({ ctx, input }) => ctx.services.webhooks.create(ctx.actor, input)),
  update: protectedProcedure
    .input(ZWebhookParams.extend(ZUpdateWebhook.shape))
    .output(ZEndpoint)
    .mutation(({ ctx, input: { id, ...patch } }) => ctx.services.webhooks.update(ctx.actor, id, patch)),
  delete: protectedProcedure
    .input(ZWebhookParams)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.webhooks.delete(ctx.actor, input.id);
      return OK;
    }),
  test: protectedProcedure
    .input(ZWebhookParams)
    .output(ZDelivery)
    .mutation(({ ctx, input }) => ctx.services.webhooks.test(ctx.actor, input.id)),
  redeliver: protectedProcedure
    .input(z.object({ id: ZWebhookId, deliveryId: ZDeliveryId }))
    .output(ZDelivery)
    .mutation(({ ctx, input }) => ctx.services.webhooks.redeliver(ctx.actor, input.id, input.deliveryId)),
  /** The newest attempts (the log's first page), or those older than `before` (the next page). */
  log: protectedProcedure
    .input(ZLogPage)
    .output(z.array(ZLogEntry))
    .query(({ ctx, input }) => ctx.services.webhooks.log(ctx.actor, { ...input, limit: LOG_PAGE_SIZE })),
  /** Attempts as they are recorded, oldest first, from the moment of subscribing. */
  live: protectedProcedure.input(ZLogFilter).subscription(async function* ({ ctx, input, signal }) {
    const { webhooks } = ctx.services;
    await webhooks.openLog(ctx.actor);
    const sent = new Set<string>();
    let wake: (() => void) | null = null;
    const onAttempt = () => wake?.();
    const unsubscribe = webhooks.onAttempt(onAttempt);
    try {
      while (!signal?.aborted) {
        const since = new Date(Date.now() - ATTEMPT_WINDOW_MS);
        const entries: LogEntry[] = (await webhooks.log(ctx.actor, { ...input, limit: LOG_LIMIT, since })).reverse();
        for (const entry of entries) {
          if (sent.has(entry.id)) continue;
          sent.add(entry.id);
          yield entry;
        }
        if (sent.size > 5_000) sent.clear();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, LIVE_POLL_MS);
          signal?.addEventListener("abort", () => resolve(), { once: true });
          wake = () => {
            clearTimeout(timer);
            setTimeout(resolve, LIVE_BATCH_MS);
          };
        });
        wake = null;
      }
    } finally {
      unsubscribe();
    }
  }),
});
