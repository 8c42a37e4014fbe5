/** /api/v1/webhooks: endpoints, their deliveries, test pings and redelivery. */
import { z } from "zod";
import { EVENT_CATEGORIES } from "../../events/types";
import { route, ZPageQuery } from "../route";

const ZWebhookId = z.string().regex(/^whk_[0-9a-f]{32}$/, "not a webhook id");
const ZDeliveryId = z.string().regex(/^msg_[0-9a-f]{32}$/, "not a delivery id");
const ZParams = z.strictObject({ id: ZWebhookId });
const ZEvents = z
  .array(z.string().min(1).max(100))
  .min(1)
  .max(64)
  .describe(`Event names ("secret.set"), "<category>.*" patterns or "*"; categories: ${EVENT_CATEGORIES.join(", ")}`);
const ZUrl = z.string().min(1).max(2048).describe("https URL (http only with [webhooks] allow_private_networks = true)");
const ZState = z.enum(["pending", "delivered", "dead"]);

const ZEndpoint = z
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
const ZCreatedEndpoint = ZEndpoint.extend({
  secret: z.string().describe("whsec_ signing secret, shown only in this answer"),
}).meta({ id: "CreatedWebhookEndpoint" });

const ZAttempt = z.object({
  attempt: z.number().int(),
  started_at: z.string(),
  status_code: z.number().int().nullable(),
  latency_ms: z.number().int(),
  error: z.string().nullable(),
  next_retry_at: z.string().nullable(),
});
const ZDelivery = z
  .object({
    id: z.string().describe("The webhook-id header of every attempt"),
    endpoint_id: z.string(),
    event: z.string(),
    event_id: z.string(),
    state: ZState.describe("dead: every attempt failed (a dead letter); redeliver to try again"),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    attempt_log: z.array(ZAttempt),
  })
  .meta({ id: "WebhookDelivery" });

export const webhookRoutes = [
  route({
    method: "GET",
    path: "/api/v1/webhooks",
    operationId: "listWebhooks",
    summary: "Webhook endpoints",
    tag: "webhooks",
    capability: "webhooks:read",
    response: z.object({ items: z.array(ZEndpoint) }),
    handle: async ({ actor, services }) => ({ items: await services.webhooks.list(actor) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/webhooks",
    operationId: "createWebhook",
    summary: "Register an endpoint; its signing secret is shown once",
    tag: "webhooks",
    capability: "webhooks:manage",
    body: z.strictObject({ url: ZUrl, events: ZEvents, description: z.string().max(1000).optional(), enabled: z.boolean().optional() }),
    status: 201,
    response: ZCreatedEndpoint,
    handle: ({ actor, body, services }) => services.webhooks.create(actor, body),
  }),
  route({
    method: "GET",
    path: "/api/v1/webhooks/:id",
    operationId: "getWebhook",
    summary: "A webhook endpoint",
    tag: "webhooks",
    capability: "webhooks:read",
    params: ZParams,
    response: ZEndpoint,
    handle: ({ actor, params, services }) => services.webhooks.get(actor, params.id),
  }),
  route({
    method: "PATCH",
    path: "/api/v1/webhooks/:id",
    operationId: "updateWebhook",
    summary: "Change an endpoint's URL, events, description or enabled state",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: ZParams,
    body: z.strictObject({ url: ZUrl.optional(), events: ZEvents.optional(), description: z.string().max(1000).optional(), enabled: z.boolean().optional() }),
    response: ZEndpoint,
    handle: ({ actor, params, body, services }) => services.webhooks.update(actor, params.id, body),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/webhooks/:id",
    operationId: "deleteWebhook",
    summary: "Delete an endpoint and its delivery history",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: ZParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.webhooks.delete(actor, params.id),
  }),
  route({
    method: "GET",
    path: "/api/v1/webhooks/:id/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "Deliveries, newest first: attempts, status codes, latency, next retry, dead letters",
    tag: "webhooks",
    capability: "webhooks:read",
    params: ZParams,
    query: ZPageQuery.extend({ state: ZState.optional() }),
    response: z.object({ items: z.array(ZDelivery), next_cursor: z.string().nullable() }),
    handle: ({ actor, params, query, services }) =>
      services.webhooks.deliveries(actor, params.id, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}), ...(query.state ? { state: query.state } : {}) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/webhooks/:id/test",
    operationId: "testWebhook",
    summary: "Send a ping event to this endpoint",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: ZParams,
    status: 202,
    response: ZDelivery,
    handle: ({ actor, params, services }) => services.webhooks.test(actor, params.id),
  }),
  route({
    method: "POST",
    path: "/api/v1/webhooks/:id/deliveries/:delivery_id/redeliver",
    operationId: "redeliverWebhook",
    summary: "Send a dead-lettered (or delivered) event again, same webhook-id and body",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: z.strictObject({ id: ZWebhookId, delivery_id: ZDeliveryId }),
    status: 202,
    response: ZDelivery,
    handle: ({ actor, params, services }) => services.webhooks.redeliver(actor, params.id, params.delivery_id),
  }),
];
