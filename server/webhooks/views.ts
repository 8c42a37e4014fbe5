/** What the webhook API and console show of endpoints, deliveries and attempts. */
import type { Db } from "../store/client";
import type { AttemptView, DeliveryView, EndpointView, LogEntry } from "./schemas";

export type { AttemptView, DeliveryView, EndpointView, LogEntry } from "./schemas";

type EndpointRow = NonNullable<Awaited<ReturnType<Db["webhookEndpoint"]["findUnique"]>>>;
type DeliveryRow = NonNullable<Awaited<ReturnType<Db["webhookDelivery"]["findUnique"]>>>;
type AttemptRow = NonNullable<Awaited<ReturnType<Db["webhookAttempt"]["findUnique"]>>>;

export function endpointView(row: EndpointRow): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function attemptView(row: AttemptRow): AttemptView {
  return {
    attempt: row.attempt,
    started_at: row.startedAt.toISOString(),
    status_code: row.statusCode,
    latency_ms: row.latencyMs,
    error: row.error,
    next_retry_at: row.nextRetryAt?.toISOString() ?? null,
  };
}

export function deliveryView(row: DeliveryRow & { attemptRows: AttemptRow[] }): DeliveryView {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event: row.event,
    event_id: row.eventId,
    state: row.state as DeliveryView["state"],
    attempts: row.attempts,
    next_attempt_at: row.state === "pending" ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    attempt_log: [...row.attemptRows].sort((a, b) => a.attempt - b.attempt).map(attemptView),
  };
}

export function logEntry(row: AttemptRow & { delivery: DeliveryRow & { endpoint: EndpointRow } }): LogEntry {
  return {
    id: row.id,
    delivery_id: row.deliveryId,
    endpoint_id: row.delivery.endpointId,
    endpoint_url: row.delivery.endpoint.url,
    event: row.delivery.event,
    state: row.delivery.state as DeliveryView["state"],
    ...attemptView(row),
  };
}
