/**
 * The delivery queue in the store: what the dispatcher needs from it, and the parts both
 * stores share. Work is claimed before it is done, so processes that share one PostgreSQL
 * never take the same outbox rows or deliveries (FOR UPDATE SKIP LOCKED, pg-queue.ts);
 * SQLite is used by one process, whose dispatcher runs one claim at a time
 * (sqlite-queue.ts). A claimed delivery carries `claimedUntil`: if the process dies
 * mid-attempt, another process takes it over after that (at-least-once); a restarted
 * SQLite process, the only one there can be, releases every claim at start.
 *
 * Every operation handles a whole batch in one statement (or one short transaction):
 * a Prisma call per row cost more than the HTTP attempt it recorded.
 */
import { createHash } from "node:crypto";
import { newId } from "../ids";
import { matchesAny } from "../events/types";

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  event: string;
  payload: string;
  attempts: number;
}

export interface AttemptOutcome {
  delivery: ClaimedDelivery;
  startedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  ok: boolean;
}

export interface RecordedAttempt {
  id: string;
  deliveryId: string;
  endpointId: string;
  event: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  state: DeliveryState;
  nextRetryAt: Date | null;
  startedAt: Date;
}

export type DeliveryState = "pending" | "delivered" | "dead";

export interface EndpointRow {
  id: string;
  url: string;
  secretWrapped: string;
  updatedAt: Date;
}

/** A claim may not exceed `perEndpoint - inFlight[endpointId]` deliveries of one endpoint. */
export interface ClaimLimits {
  total: number;
  perEndpoint: number;
  inFlight: ReadonlyMap<string, number>;
}

export interface DeliveryQueue {
  /**
   * Turns up to `limit` new outbox events into deliveries for every matching enabled
   * endpoint. Those the limits allow are claimed by the caller in the same commit, so a
   * fresh event reaches the network after one write, not two.
   */
  fanOut(limit: number, claim: ClaimLimits, leaseMs: number): Promise<{ events: number; claimed: ClaimedDelivery[] }>;
  /** Claims due deliveries for `leaseMs`, within the limits. */
  claimDue(claim: ClaimLimits, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** When the earliest unclaimed (or abandoned) pending delivery is due, or null if none is. */
  nextDue(): Promise<Date | null>;
  /** Frees every claim: only for a store no other process uses (SQLite), at start. */
  releaseAllClaims(): Promise<void>;
  /**
   * Stores finished attempts and moves each delivery on: delivered, due again after the
   * schedule's next wait, or dead-lettered after the last retry. `retryDelaysMs[n]` is the
   * wait after the (n+1)th failed attempt. Deliveries deleted meanwhile are skipped.
   */
  record(outcomes: AttemptOutcome[], retryDelaysMs: readonly number[]): Promise<RecordedAttempt[]>;
  /** The endpoints with these ids that still exist. */
  endpoints(ids: string[]): Promise<EndpointRow[]>;
  close(): void;
}

/** The body every attempt of one event sends (contract: event, timestamp, request_id, realm, data). */
export function eventBody(row: { type: string; createdAt: Date; requestId: string; realm: string | null; data: string }): string {
  return JSON.stringify({ event: row.type, timestamp: row.createdAt.toISOString(), request_id: row.requestId, realm: row.realm, data: JSON.parse(row.data) as unknown });
}

/**
 * The delivery id (the webhook-id header) of one event for one endpoint: ordered by the
 * event's time like newId (ids.ts), and derived rather than random, so an event fanned out
 * again (a fan-out commit lost to a power cut after its first attempt went out) keeps its
 * webhook-id.
 */
export function deliveryId(eventId: string, endpointId: string, eventTime: Date): string {
  const digest = createHash("sha256").update(`${eventId}\n${endpointId}`).digest("hex");
  return `msg_${eventTime.getTime().toString(16).padStart(12, "0")}${digest.slice(0, 20)}`;
}

export interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  realm: string | null;
  requestId: string;
  data: string;
  createdAt: Date;
}

export interface PlannedDelivery extends ClaimedDelivery {
  claimed: boolean;
}

const patternCache = new Map<string, string[]>();

/** Deliveries for `events`: one per matching endpoint, claimed as far as `claim` allows. */
export function planDeliveries(events: OutboxRow[], endpoints: { id: string; events: string }[], claim: ClaimLimits): PlannedDelivery[] {
  const subscribed = endpoints.map((e) => {
    let patterns = patternCache.get(e.events);
    if (!patterns) {
      if (patternCache.size > 1_000) patternCache.clear();
      patterns = JSON.parse(e.events) as string[];
      patternCache.set(e.events, patterns);
    }
    return { id: e.id, patterns };
  });
  const taken = new Map<string, number>();
  let total = 0;
  const out: PlannedDelivery[] = [];
  for (const ev of events) {
    const payload = eventBody(ev);
    for (const e of subscribed) {
      if (!matchesAny(e.patterns, ev.type)) continue;
      const mine = taken.get(e.id) ?? 0;
      const claimed = total < claim.total && mine < claim.perEndpoint - (claim.inFlight.get(e.id) ?? 0);
      if (claimed) {
        total++;
        taken.set(e.id, mine + 1);
      }
      out.push({ id: deliveryId(ev.id, e.id, ev.createdAt), endpointId: e.id, eventId: ev.id, event: ev.type, payload, attempts: 0, claimed });
    }
  }
  return out;
}

export interface AttemptRecord extends RecordedAttempt {
  lastError: string | null;
  deliveredAt: Date | null;
}

/** What one finished attempt makes of its delivery. The wait runs from the end of a failed attempt. */
export function nextState(o: AttemptOutcome, retryDelaysMs: readonly number[], now: Date): AttemptRecord {
  const attempt = o.delivery.attempts + 1;
  const delay = retryDelaysMs[attempt - 1];
  const state: DeliveryState = o.ok ? "delivered" : delay === undefined ? "dead" : "pending";
  const nextRetryAt = state === "pending" ? new Date(o.startedAt.getTime() + o.latencyMs + delay!) : null;
  return {
    id: newId("att"),
    deliveryId: o.delivery.id,
    endpointId: o.delivery.endpointId,
    event: o.delivery.event,
    attempt,
    statusCode: o.statusCode,
    latencyMs: o.latencyMs,
    error: o.error,
    state,
    nextRetryAt,
    startedAt: o.startedAt,
    lastError: o.ok ? null : o.error,
    deliveredAt: o.ok ? now : null,
  };
}

/** A RecordedAttempt without the delivery columns (what the live log is told). */
export function recorded(r: AttemptRecord): RecordedAttempt {
  const { lastError: _lastError, deliveredAt: _deliveredAt, ...attempt } = r;
  return attempt;
}
