/**
 * The delivery queue on the embedded SQLite file, without Prisma: prepared better-sqlite3
 * statements on a connection of its own, each batch one statement passing its rows as
 * JSON (json_each), each write one short synchronous transaction.
 *
 * The connection never waits for the write lock (busy timeout 0): better-sqlite3 waits
 * synchronously and would freeze the event loop. When Prisma's connection or the audit
 * worker holds the lock, a write is retried from a timer. Commits here skip the fsync
 * (synchronous = NORMAL): a power cut can lose only the newest commits, whose work is then
 * done again with the same webhook-ids (at-least-once, see `deliveryId`); any later
 * commit of the audit worker or Prisma syncs them anyway.
 */
import Database from "better-sqlite3";
import {
  nextState,
  planDeliveries,
  recorded,
  type AttemptOutcome,
  type ClaimedDelivery,
  type ClaimLimits,
  type DeliveryQueue,
  type EndpointRow,
  type OutboxRow,
  type RecordedAttempt,
} from "./queue";

const BUSY_RETRY_MS = [1, 2, 5, 10, 20, 50];
const BUSY_GIVE_UP_MS = 10_000;

/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset; so do we, so text order is time order. */
const sqlTime = (d: Date) => d.toISOString().replace("Z", "+00:00");

type RawEvent = Omit<OutboxRow, "createdAt"> & { createdAt: string };

export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly db: Database.Database;
  private readonly s;
  /** Prepared once: better-sqlite3 prepares BEGIN and COMMIT for every transaction function it makes. */
  private readonly transaction: Database.Transaction<(work: () => unknown) => unknown>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma("busy_timeout = 0");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    const db = this.db;
    this.transaction = db.transaction((work: () => unknown) => work());
    this.s = {
      anyNew: db.prepare<[], { seq: number }>(`SELECT seq FROM OutboxEvent WHERE fannedOut = 0 LIMIT 1`),
      newEvents: db.prepare<[number], RawEvent>(`SELECT seq, id, type, realm, requestId, data, createdAt FROM OutboxEvent WHERE fannedOut = 0 ORDER BY seq LIMIT ?`),
      enabledEndpoints: db.prepare<[], { id: string; events: string }>(`SELECT id, events FROM WebhookEndpoint WHERE enabled = 1`),
      insertDeliveries: db.prepare<[{ rows: string; now: string; until: string }]>(
        `INSERT OR IGNORE INTO WebhookDelivery (id, endpointId, eventId, event, payload, state, attempts, nextAttemptAt, claimedUntil, createdAt, updatedAt)
         SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]', 'pending', 0, @now,
                CASE WHEN value ->> '$[5]' THEN @until END, @now, @now
           FROM json_each(@rows)`,
      ),
      markFannedOut: db.prepare<[string]>(`UPDATE OutboxEvent SET fannedOut = 1 WHERE seq IN (SELECT value FROM json_each(?))`),
      // Oldest due first, at most `room` per endpoint, where room is the per-endpoint cap less what is in flight.
      claimDue: db.prepare<[{ until: string; now: string; perEndpoint: number; inFlight: string; total: number }], ClaimedDelivery>(
        `UPDATE WebhookDelivery SET claimedUntil = @until WHERE id IN (
           SELECT id FROM (
             SELECT id, endpointId, nextAttemptAt, ROW_NUMBER() OVER (PARTITION BY endpointId ORDER BY nextAttemptAt) AS n
               FROM WebhookDelivery
              WHERE state = 'pending' AND nextAttemptAt <= @now AND (claimedUntil IS NULL OR claimedUntil <= @now))
            WHERE n <= @perEndpoint - coalesce(@inFlight ->> ('$."' || endpointId || '"'), 0)
            ORDER BY nextAttemptAt LIMIT @total)
         RETURNING id, endpointId, eventId, event, payload, attempts`,
      ),
      nextDue: db.prepare<[string], { due: string | null }>(
        `SELECT min(nextAttemptAt) AS due FROM WebhookDelivery WHERE state = 'pending' AND (claimedUntil IS NULL OR claimedUntil <= ?)`,
      ),
      releaseAll: db.prepare(`UPDATE WebhookDelivery SET claimedUntil = NULL WHERE claimedUntil IS NOT NULL`),
      existing: db.prepare<[string], { id: string }>(`SELECT id FROM WebhookDelivery WHERE id IN (SELECT value FROM json_each(?))`),
      updateDeliveries: db.prepare<[{ rows: string; now: string }]>(
        `UPDATE WebhookDelivery SET state = r.state, attempts = r.attempts, nextAttemptAt = r.next, claimedUntil = NULL,
                lastError = r.lastError, deliveredAt = coalesce(r.deliveredAt, WebhookDelivery.deliveredAt), updatedAt = @now
           FROM (SELECT value ->> '$[0]' AS id, value ->> '$[1]' AS state, value ->> '$[2]' AS attempts, value ->> '$[3]' AS next,
                        value ->> '$[4]' AS lastError, value ->> '$[5]' AS deliveredAt FROM json_each(@rows)) AS r
          WHERE WebhookDelivery.id = r.id`,
      ),
      insertAttempts: db.prepare<[string]>(
        `INSERT INTO WebhookAttempt (id, deliveryId, attempt, startedAt, statusCode, latencyMs, error, nextRetryAt)
         SELECT value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', value ->> '$[4]', value ->> '$[5]', value ->> '$[6]', value ->> '$[7]'
           FROM json_each(?)`,
      ),
      endpoints: db.prepare<[string], Omit<EndpointRow, "updatedAt"> & { updatedAt: string }>(
        `SELECT id, url, secretWrapped, updatedAt FROM WebhookEndpoint WHERE id IN (SELECT value FROM json_each(?))`,
      ),
    };
  }

  async fanOut(limit: number, claim: ClaimLimits, leaseMs: number): Promise<{ events: number; claimed: ClaimedDelivery[] }> {
    // A plain read first: most calls find nothing and should not take the write lock.
    if (!this.s.anyNew.get()) return { events: 0, claimed: [] };
    return this.write(() => {
      const events = this.s.newEvents.all(limit).map((e) => ({ ...e, createdAt: new Date(e.createdAt) }));
      if (events.length === 0) return { events: 0, claimed: [] };
      const plan = planDeliveries(events, this.s.enabledEndpoints.all(), claim);
      const now = new Date();
      if (plan.length > 0) {
        const rows = plan.map((d) => [d.id, d.endpointId, d.eventId, d.event, d.payload, d.claimed ? 1 : 0]);
        this.s.insertDeliveries.run({ rows: JSON.stringify(rows), now: sqlTime(now), until: sqlTime(new Date(now.getTime() + leaseMs)) });
      }
      this.s.markFannedOut.run(JSON.stringify(events.map((e) => e.seq)));
      const claimed = plan.filter((d) => d.claimed).map(({ claimed: _claimed, ...d }) => d);
      return { events: events.length, claimed };
    });
  }

  async claimDue(claim: ClaimLimits, leaseMs: number): Promise<ClaimedDelivery[]> {
    if (claim.total <= 0) return [];
    const now = Date.now();
    const due = this.s.nextDue.get(sqlTime(new Date(now)))?.due;
    if (!due || due > sqlTime(new Date(now))) return [];
    const inFlight = JSON.stringify(Object.fromEntries(claim.inFlight));
    return this.write(() => this.s.claimDue.all({ until: sqlTime(new Date(now + leaseMs)), now: sqlTime(new Date(now)), perEndpoint: claim.perEndpoint, inFlight, total: claim.total }));
  }

  async nextDue(): Promise<Date | null> {
    const due = this.s.nextDue.get(sqlTime(new Date()))?.due;
    return due ? new Date(due) : null;
  }

  async releaseAllClaims(): Promise<void> {
    await this.write(() => this.s.releaseAll.run());
  }

  async record(outcomes: AttemptOutcome[], retryDelaysMs: readonly number[]): Promise<RecordedAttempt[]> {
    if (outcomes.length === 0) return [];
    return this.write(() => {
      const now = new Date();
      // An endpoint deleted meanwhile took its deliveries with it.
      const alive = new Set(this.s.existing.all(JSON.stringify(outcomes.map((o) => o.delivery.id))).map((r) => r.id));
      const records = outcomes.filter((o) => alive.has(o.delivery.id)).map((o) => nextState(o, retryDelaysMs, now));
      if (records.length === 0) return [];
      const opt = (d: Date | null) => (d ? sqlTime(d) : null);
      const deliveries = records.map((r) => [r.deliveryId, r.state, r.attempt, opt(r.nextRetryAt), r.lastError, opt(r.deliveredAt)]);
      this.s.updateDeliveries.run({ rows: JSON.stringify(deliveries), now: sqlTime(now) });
      const attempts = records.map((r) => [r.id, r.deliveryId, r.attempt, sqlTime(r.startedAt), r.statusCode, r.latencyMs, r.error, opt(r.nextRetryAt)]);
      this.s.insertAttempts.run(JSON.stringify(attempts));
      return records.map(recorded);
    });
  }

  async endpoints(ids: string[]): Promise<EndpointRow[]> {
    return this.s.endpoints.all(JSON.stringify(ids)).map((r) => ({ ...r, updatedAt: new Date(r.updatedAt) }));
  }

  close(): void {
    this.db.close();
  }

  /** Runs `work` in one immediate transaction, retrying from a timer while the file is locked. */
  private async write<T>(work: () => T): Promise<T> {
    const giveUp = Date.now() + BUSY_GIVE_UP_MS;
    for (let i = 0; ; i++) {
      try {
        return this.transaction.immediate(work) as T;
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > giveUp) throw err;
      }
      await new Promise((r) => setTimeout(r, BUSY_RETRY_MS[Math.min(i, BUSY_RETRY_MS.length - 1)]));
    }
  }
}
