/**
 * The delivery queue in the store. Work is claimed before it is done, so processes that
 * share one PostgreSQL never take the same outbox rows or deliveries (FOR UPDATE SKIP
 * LOCKED); SQLite is used by one process, whose dispatcher runs one claim at a time.
 * A claimed delivery carries `claimedUntil`: if the process dies mid-attempt, another
 * process takes it over after that (at-least-once); a restarted SQLite process, the only
 * one there can be, releases every claim at start.
 */
import { matchesAny } from "../events/types";
import { newId } from "../ids";
import type { Db, Store } from "../store/client";

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

/** The body every attempt of one event sends (contract: event, timestamp, request_id, realm, data). */
export function eventBody(row: { type: string; createdAt: Date; requestId: string; realm: string | null; data: string }): string {
  return JSON.stringify({ event: row.type, timestamp: row.createdAt.toISOString(), request_id: row.requestId, realm: row.realm, data: JSON.parse(row.data) as unknown });
}

/** Deliveries for the outbox events `seqs`: one per matching enabled endpoint; the first `claimMax` claimed. */
async function planDeliveries(reader: Pick<Db, "outboxEvent" | "webhookEndpoint">, seqs: number[], claimMax: number, leaseMs: number) {
  const events = await reader.outboxEvent.findMany({ where: { seq: { in: seqs } }, orderBy: { seq: "asc" } });
  const endpoints = (await reader.webhookEndpoint.findMany({ where: { enabled: true }, select: { id: true, events: true } })).map((e) => ({
    id: e.id,
    patterns: JSON.parse(e.events) as string[],
  }));
  const now = new Date();
  const claimedUntil = new Date(now.getTime() + leaseMs);
  let claims = Math.max(0, claimMax);
  const rows = events.flatMap((ev) => {
    const payload = eventBody(ev);
    return endpoints
      .filter((e) => matchesAny(e.patterns, ev.type))
      .map((e) => ({ id: newId("msg"), endpointId: e.id, eventId: ev.id, event: ev.type, payload, state: "pending", nextAttemptAt: now, claimedUntil: claims-- > 0 ? claimedUntil : null }));
  });
  const claimed: ClaimedDelivery[] = rows
    .filter((r) => r.claimedUntil !== null)
    .map((r) => ({ id: r.id, endpointId: r.endpointId, eventId: r.eventId, event: r.event, payload: r.payload, attempts: 0 }));
  return { rows, claimed };
}

export class DeliveryQueue {
  constructor(
    private readonly db: Db,
    private readonly provider: Store["provider"],
  ) {}

  /**
   * Turns up to `limit` new outbox events into deliveries for every matching enabled
   * endpoint. Up to `claimMax` of them are claimed by the caller in the same commit, so
   * a fresh event reaches the network after one write, not two.
   */
  async fanOut(limit: number, claimMax: number, leaseMs: number): Promise<{ events: number; claimed: ClaimedDelivery[] }> {
    const none = { events: 0, claimed: [] };
    // A read outside any transaction: most calls find nothing and should cost no commit.
    if (!(await this.db.outboxEvent.findFirst({ where: { fannedOut: false }, select: { seq: true } }))) return none;
    if (this.provider === "postgresql") {
      return this.db.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<{ seq: number }[]>`SELECT seq FROM "OutboxEvent" WHERE "fannedOut" = false ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        const seqs = locked.map((r) => Number(r.seq));
        if (seqs.length === 0) return none;
        const plan = await planDeliveries(tx, seqs, claimMax, leaseMs);
        if (plan.rows.length > 0) await tx.webhookDelivery.createMany({ data: plan.rows });
        await tx.outboxEvent.updateMany({ where: { seq: { in: seqs } }, data: { fannedOut: true } });
        return { events: seqs.length, claimed: plan.claimed };
      });
    }
    // SQLite has one dispatcher (this one): read first, then commit in a write-only
    // transaction; one that reads before it writes fails (SQLITE_BUSY) if another
    // connection commits in between.
    const seqs = (await this.db.outboxEvent.findMany({ where: { fannedOut: false }, orderBy: { seq: "asc" }, take: limit, select: { seq: true } })).map((r) => r.seq);
    if (seqs.length === 0) return none;
    const plan = await planDeliveries(this.db, seqs, claimMax, leaseMs);
    await this.db.$transaction([
      ...(plan.rows.length > 0 ? [this.db.webhookDelivery.createMany({ data: plan.rows })] : []),
      this.db.outboxEvent.updateMany({ where: { seq: { in: seqs } }, data: { fannedOut: true } }),
    ]);
    return { events: seqs.length, claimed: plan.claimed };
  }

  /** Claims up to `limit` due deliveries for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const next = await this.nextDue();
    if (!next || next.getTime() > Date.now()) return [];
    const now = new Date();
    const claimedUntil = new Date(now.getTime() + leaseMs);
    const select = { id: true, endpointId: true, eventId: true, event: true, payload: true, attempts: true } as const;
    if (this.provider === "postgresql") {
      return this.db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "WebhookDelivery" WHERE state = 'pending'
            AND "nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
            AND ("claimedUntil" IS NULL OR "claimedUntil" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'))
            ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
        const ids = rows.map((r) => r.id);
        if (ids.length === 0) return [];
        await tx.webhookDelivery.updateMany({ where: { id: { in: ids } }, data: { claimedUntil } });
        return tx.webhookDelivery.findMany({ where: { id: { in: ids } }, select });
      });
    }
    // SQLite: this process is the only claimant; the claim itself is one statement.
    const due = await this.db.webhookDelivery.findMany({
      where: { state: "pending", nextAttemptAt: { lte: now }, OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
      select,
    });
    if (due.length === 0) return [];
    await this.db.webhookDelivery.updateMany({ where: { id: { in: due.map((d) => d.id) } }, data: { claimedUntil } });
    return due;
  }

  /** When the earliest unclaimed (or abandoned) pending delivery is due, or null if none is. */
  async nextDue(): Promise<Date | null> {
    const r = await this.db.webhookDelivery.aggregate({
      where: { state: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lte: new Date() } }] },
      _min: { nextAttemptAt: true },
    });
    return r._min.nextAttemptAt;
  }

  /** Frees every claim: only for a store no other process uses (SQLite), at start. */
  async releaseAllClaims(): Promise<void> {
    await this.db.webhookDelivery.updateMany({ where: { claimedUntil: { not: null } }, data: { claimedUntil: null } });
  }

  /**
   * Stores finished attempts and moves each delivery on: delivered, due again after the
   * schedule's next wait, or dead-lettered after the last retry. `retryDelaysMs[n]` is the
   * wait after the (n+1)th failed attempt.
   */
  async record(outcomes: AttemptOutcome[], retryDelaysMs: readonly number[]): Promise<RecordedAttempt[]> {
    // An endpoint deleted meanwhile took its deliveries with it. Read before the
    // transaction, which then only writes (see fanOut on SQLite).
    const alive = new Set(
      (await this.db.webhookDelivery.findMany({ where: { id: { in: outcomes.map((o) => o.delivery.id) } }, select: { id: true } })).map((r) => r.id),
    );
    return this.db.$transaction(async (tx) => {
      const recorded: RecordedAttempt[] = [];
      const now = Date.now();
      const delivered: string[] = [];
      for (const o of outcomes) {
        if (!alive.has(o.delivery.id)) continue;
        const attempt = o.delivery.attempts + 1;
        const delay = retryDelaysMs[attempt - 1];
        const state: DeliveryState = o.ok ? "delivered" : delay === undefined ? "dead" : "pending";
        // The wait runs from the end of the failed attempt.
        const nextRetryAt = state === "pending" ? new Date(o.startedAt.getTime() + o.latencyMs + delay!) : null;
        recorded.push({
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
        });
        if (o.ok) delivered.push(o.delivery.id);
        else {
          await tx.webhookDelivery.update({
            where: { id: o.delivery.id },
            data: { state, attempts: attempt, nextAttemptAt: nextRetryAt, claimedUntil: null, lastError: o.error },
          });
        }
      }
      if (recorded.length === 0) return recorded;
      await tx.webhookAttempt.createMany({
        data: recorded.map((r) => ({
          id: r.id,
          deliveryId: r.deliveryId,
          attempt: r.attempt,
          startedAt: r.startedAt,
          statusCode: r.statusCode,
          latencyMs: r.latencyMs,
          error: r.error,
          nextRetryAt: r.nextRetryAt,
        })),
      });
      if (delivered.length > 0) {
        await tx.webhookDelivery.updateMany({
          where: { id: { in: delivered } },
          data: { state: "delivered", attempts: { increment: 1 }, nextAttemptAt: null, claimedUntil: null, lastError: null, deliveredAt: new Date(now) },
        });
      }
      return recorded;
    });
  }
}
