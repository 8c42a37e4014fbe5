/** What the webhook API and console show of endpoints, deliveries and attempts. */
import type { Db } from "../store/client";

type EndpointRow = NonNullable<Awaited<ReturnType<Db["webhookEndpoint"]["findUnique"]>>>;
type DeliveryRow = NonNullable<Awaited<ReturnType<Db["webhookDelivery"]["findUnique"]>>>;
type AttemptRow = NonNullable<Awaited<ReturnType<Db["webhookAttempt"]["findUnique"]>>>;

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface AttemptView {
  attempt: number;
  started_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_retry_at: string | null;
}

export interface DeliveryView {
  id: string;
  endpoint_id: string;
  event: string;
  event_id: string;
  state: "pending" | "delivered" | "dead";
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  attempt_log: AttemptView[];
}

/** One row of the live delivery log: an attempt with its delivery and endpoint. */
export interface LogEntry extends AttemptView {
  id: string;
  delivery_id: string;
  endpoint_id: string;
  endpoint_url: string;
  event: string;
  state: DeliveryView["state"];
}

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
