/**
 * The delivery queue on PostgreSQL, shared by every process of a deployment: outbox rows
 * and due deliveries are claimed with FOR UPDATE SKIP LOCKED, so no two processes take
 * the same work. Each batch is one multi-row statement (rows passed as one jsonb
 * parameter); claiming and recording need no transaction of their own. Timestamps are
 * stored as UTC in `timestamp(3)` columns.
 */
import type { Db } from "../store/client";
import {
  nextState,
  planDeliveries,
  recorded,
  type AttemptOutcome,
  type ClaimedDelivery,
  type ClaimLimits,
  type DeliveryQueue,
  type EndpointRow,
  type RecordedAttempt,
} from "./queue";

const utc = (param: string) => `(${param}::timestamptz AT TIME ZONE 'UTC')`;

const CLAIM_DUE = `
WITH due AS (
  SELECT id, "nextAttemptAt", row_number() OVER (PARTITION BY "endpointId" ORDER BY "nextAttemptAt") AS n,
         coalesce(($3::jsonb ->> "endpointId")::int, 0) AS busy
    FROM "WebhookDelivery"
   WHERE state = 'pending' AND "nextAttemptAt" <= ${utc("$1")} AND ("claimedUntil" IS NULL OR "claimedUntil" <= ${utc("$1")})
), pick AS (
  SELECT d.id FROM "WebhookDelivery" d JOIN due ON due.id = d.id
   WHERE due.n <= $4 - due.busy AND d.state = 'pending' AND (d."claimedUntil" IS NULL OR d."claimedUntil" <= ${utc("$1")})
   ORDER BY due."nextAttemptAt" LIMIT $5
   FOR UPDATE OF d SKIP LOCKED
)
UPDATE "WebhookDelivery" d SET "claimedUntil" = ${utc("$2")} FROM pick WHERE d.id = pick.id
RETURNING d.id, d."endpointId", d."eventId", d.event, d.payload, d.attempts`;

const INSERT_AND_MARK = `
WITH ins AS (
  INSERT INTO "WebhookDelivery" (id, "endpointId", "eventId", event, payload, state, attempts, "nextAttemptAt", "claimedUntil", "createdAt", "updatedAt")
  SELECT r.id, r."endpointId", r."eventId", r.event, r.payload, 'pending', 0, ${utc("$2")},
         CASE WHEN r.claimed THEN ${utc("$3")} END, ${utc("$2")}, ${utc("$2")}
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, "endpointId" text, "eventId" text, event text, payload text, claimed boolean)
  ON CONFLICT DO NOTHING
)
UPDATE "OutboxEvent" SET "fannedOut" = true WHERE seq IN (SELECT jsonb_array_elements_text($4::jsonb)::int)`;

const RECORD = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, "deliveryId" text, attempt int, "startedAt" text, "statusCode" int,
         "latencyMs" int, error text, "nextRetryAt" text, state text, "lastError" text, "deliveredAt" text)
), upd AS (
  UPDATE "WebhookDelivery" d SET state = r.state, attempts = r.attempt, "nextAttemptAt" = ${utc('r."nextRetryAt"')}, "claimedUntil" = NULL,
         "lastError" = r."lastError", "deliveredAt" = coalesce(${utc('r."deliveredAt"')}, d."deliveredAt"), "updatedAt" = ${utc("$2")}
    FROM r WHERE d.id = r."deliveryId"
  RETURNING d.id
)
INSERT INTO "WebhookAttempt" (id, "deliveryId", attempt, "startedAt", "statusCode", "latencyMs", error, "nextRetryAt")
SELECT r.id, r."deliveryId", r.attempt, ${utc('r."startedAt"')}, r."statusCode", r."latencyMs", r.error, ${utc('r."nextRetryAt"')}
  FROM r JOIN upd ON upd.id = r."deliveryId"
RETURNING "deliveryId"`;

export class PostgresDeliveryQueue implements DeliveryQueue {
  constructor(private readonly db: Db) {}

  async fanOut(limit: number, claim: ClaimLimits, leaseMs: number): Promise<{ events: number; claimed: ClaimedDelivery[] }> {
    const none = { events: 0, claimed: [] };
    // A read outside any transaction: most calls find nothing and should cost no commit.
    if (!(await this.db.outboxEvent.findFirst({ where: { fannedOut: false }, select: { seq: true } }))) return none;
    return this.db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ seq: number }[]>`SELECT seq FROM "OutboxEvent" WHERE "fannedOut" = false ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      const seqs = locked.map((r) => Number(r.seq));
      if (seqs.length === 0) return none;
      const [events, endpoints] = await Promise.all([
        tx.outboxEvent.findMany({ where: { seq: { in: seqs } }, orderBy: { seq: "asc" } }),
        tx.webhookEndpoint.findMany({ where: { enabled: true }, select: { id: true, events: true } }),
      ]);
      const plan = planDeliveries(events, endpoints, claim);
      const now = Date.now();
      const rows = plan.map((d) => ({ id: d.id, endpointId: d.endpointId, eventId: d.eventId, event: d.event, payload: d.payload, claimed: d.claimed }));
      await tx.$executeRawUnsafe(INSERT_AND_MARK, JSON.stringify(rows), new Date(now).toISOString(), new Date(now + leaseMs).toISOString(), JSON.stringify(seqs));
      const claimed = plan.filter((d) => d.claimed).map(({ claimed: _claimed, ...d }) => d);
      return { events: seqs.length, claimed };
    });
  }

  async claimDue(claim: ClaimLimits, leaseMs: number): Promise<ClaimedDelivery[]> {
    if (claim.total <= 0) return [];
    const next = await this.nextDue();
    if (!next || next.getTime() > Date.now()) return [];
    const now = Date.now();
    const inFlight = JSON.stringify(Object.fromEntries(claim.inFlight));
    const rows = await this.db.$queryRawUnsafe<ClaimedDelivery[]>(
      CLAIM_DUE,
      new Date(now).toISOString(),
      new Date(now + leaseMs).toISOString(),
      inFlight,
      claim.perEndpoint,
      claim.total,
    );
    return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
  }

  async nextDue(): Promise<Date | null> {
    const r = await this.db.webhookDelivery.aggregate({
      where: { state: "pending", OR: [{ claimedUntil: null }, { claimedUntil: { lte: new Date() } }] },
      _min: { nextAttemptAt: true },
    });
    return r._min.nextAttemptAt;
  }

  async releaseAllClaims(): Promise<void> {
    throw new Error("claims on a shared PostgreSQL are released only by their lease running out");
  }

  async record(outcomes: AttemptOutcome[], retryDelaysMs: readonly number[]): Promise<RecordedAttempt[]> {
    if (outcomes.length === 0) return [];
    const now = new Date();
    const records = outcomes.map((o) => nextState(o, retryDelaysMs, now));
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    const rows = records.map((r) => ({
      ...r,
      startedAt: iso(r.startedAt),
      nextRetryAt: iso(r.nextRetryAt),
      deliveredAt: iso(r.deliveredAt),
    }));
    const written = await this.db.$queryRawUnsafe<{ deliveryId: string }[]>(RECORD, JSON.stringify(rows), now.toISOString());
    // An endpoint deleted meanwhile took its deliveries with it.
    const alive = new Set(written.map((w) => w.deliveryId));
    return records.filter((r) => alive.has(r.deliveryId)).map(recorded);
  }

  async endpoints(ids: string[]): Promise<EndpointRow[]> {
    return this.db.webhookEndpoint.findMany({ where: { id: { in: ids } }, select: { id: true, url: true, secretWrapped: true, updatedAt: true } });
  }

  close(): void {}
}
