/** The webhooks contract: endpoint, delivery and attempt shapes, inputs and the operations table. */
import { z } from "zod";
import { EVENT_CATEGORIES } from "../events/types";
import type { Operation } from "../rbac/capabilities";
import { ZDescription } from "../realms/schemas";

export const ZWebhookId = z.string().regex(/^whk_[0-9a-f]{32}$/, "not a webhook id");
export const ZDeliveryId = z.string().regex(/^msg_[0-9a-f]{32}$/, "not a delivery id");
export const ZWebhookParams = z.strictObject({ id: ZWebhookId });
export const ZRedeliverParams = z.strictObject({ id: ZWebhookId, delivery_id: ZDeliveryId });
export const ZEvents = z
  .array(z.string().min(1).max(100))
  .min(1, "subscribe to at least one event")
  .max(64)
  .describe(`Event names ("secret.set"), "<category>.*" patterns or "*"; categories: ${EVENT_CATEGORIES.join(", ")}`);
export const ZWebhookUrl = z
  .string()
  .min(1, "a URL is required")
  .max(2048)
  .describe("https URL; http and loopback/private/metadata addresses only with [webhooks] allow_private_networks = true");
export const ZDeliveryState = z.enum(["pending", "delivered", "dead"]);

export const ZCreateWebhook = z.strictObject({ url: ZWebhookUrl, events: ZEvents, description: ZDescription.optional(), enabled: z.boolean().optional() });
export const ZUpdateWebhook = z.strictObject({ url: ZWebhookUrl.optional(), events: ZEvents.optional(), description: ZDescription.optional(), enabled: z.boolean().optional() });
export const ZLogFilter = z.object({ endpointId: ZWebhookId.optional(), state: ZDeliveryState.optional() });
/** The console log's pages: `before` is the oldest attempt id shown so far ("load more"). */
export const ZLogPage = ZLogFilter.extend({ before: z.string().max(64).optional() });
/** Attempts per page of the console's delivery log. */
export const LOG_PAGE_SIZE = 100;

export const ZEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "WebhookEndpoint" });
export const ZCreatedEndpoint = ZEndpoint.extend({
  secret: z.string().describe("whsec_ signing secret, shown only in this answer"),
}).meta({ id: "CreatedWebhookEndpoint" });

export const ZAttempt = z.object({
  attempt: z.number().int(),
  started_at: z.string(),
  status_code: z.number().int().nullable(),
  latency_ms: z.number().int(),
  error: z.string().nullable(),
  next_retry_at: z.string().nullable(),
});
export const ZDelivery = z
  .object({
    id: z.string().describe("The webhook-id header of every attempt"),
    endpoint_id: z.string(),
    event: z.string(),
    event_id: z.string(),
    state: ZDeliveryState.describe("dead: every attempt failed (a dead letter); redeliver to try again"),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    attempt_log: z.array(ZAttempt),
  })
  .meta({ id: "WebhookDelivery" });
/** One row of the console's live delivery log: an attempt with its delivery and endpoint. */
export const ZLogEntry = ZAttempt.extend({
  id: z.string(),
  delivery_id: z.string(),
  endpoint_id: z.string(),
  endpoint_url: z.string(),
  event: z.string(),
  state: ZDeliveryState,
});

export type EndpointInput = z.output<typeof ZCreateWebhook>;
export type EndpointPatch = z.output<typeof ZUpdateWebhook>;
export type EndpointView = z.output<typeof ZEndpoint>;
export type AttemptView = z.output<typeof ZAttempt>;
export type DeliveryView = z.output<typeof ZDelivery>;
export type LogEntry = z.output<typeof ZLogEntry>;
export type DeliveryStateFilter = z.output<typeof ZDeliveryState>;

/** Endpoints see events of every realm, so both capabilities are needed in every realm ("*"). */
export const webhookOps = {
  list: { capability: "webhooks:read", action: "webhook.list" },
  create: { capability: "webhooks:manage", action: "webhook.create" },
  get: { capability: "webhooks:read", action: "webhook.read" },
  update: { capability: "webhooks:manage", action: "webhook.update" },
  delete: { capability: "webhooks:manage", action: "webhook.delete" },
  deliveries: { capability: "webhooks:read", action: "webhook.deliveries" },
  test: { capability: "webhooks:manage", action: "webhook.test" },
  redeliver: { capability: "webhooks:manage", action: "webhook.redeliver" },
  log: { capability: "webhooks:read", action: "webhook.log" },
} as const satisfies Record<string, Operation>;
