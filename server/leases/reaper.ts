/**
 * The lease reaper: a system-level background loop (all realms, cleanup only) that sends
 * `lease.expiring` once per lease, revokes leases at `expires_at` and retries failed
 * revocations with backoff. Its state is in the store (due times, attempts), so a lease
 * issued before a restart is still revoked after it. When several processes share
 * PostgreSQL, only the one holding a session advisory lock runs it.
 */
import { SessionLock } from "../cluster/session-lock";
import type { Logger } from "pino";
import type { Outbox } from "../events/outbox";
import { newRequestId } from "../ids";
import type { Metrics } from "../observability/metrics";
import type { RealmDirectory } from "../access/realm-directory";
import type { Db, Store } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";
import type { LeaseRevoker, RevokeItem, RevokeSource } from "./revoker";
import { leaseStore, ReaperQueue, type LeaseRow } from "./store";

/** pg_try_advisory_lock key of the reaper (one holder per PostgreSQL database). */
export const REAPER_LOCK_KEY = 7_242_009;
const BATCH = 200;
/** Leases revoked at once, and recorded in one commit. */
const CONCURRENCY = 32;
const GAUGE_EVERY_MS = 5_000;

export interface ReaperOptions {
  /** How often due work is looked for; well under the 2 s the contract allows. */
  pollMs?: number;
}

export class LeaseReaper {
  private readonly queue: ReaperQueue;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly lock: SessionLock;
  private lastGauge = 0;

  constructor(
    private readonly deps: {
      db: Db;
      provider: Store["provider"];
      /** Arcan's own PostgreSQL (for the advisory lock); null on SQLite. */
      databaseUrl: string | null;
      revoker: Pick<LeaseRevoker, "revokeMany">;
      outbox: Pick<Outbox, "transaction">;
      realms: Pick<RealmDirectory, "byId">;
      metrics: Pick<Metrics, "leasesRevokeFailed" | "leaseReaperLag">;
      logger: Logger;
    },
    options: ReaperOptions = {},
  ) {
    this.queue = new ReaperQueue(deps.db);
    this.pollMs = options.pollMs ?? 500;
    this.lock = new SessionLock({ provider: deps.provider, databaseUrl: deps.databaseUrl, key: REAPER_LOCK_KEY, name: "lease reaper", logger: deps.logger });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.lock.release();
  }

  /** The gauge, right away (a revocation just gave up). */
  refreshGauge(): void {
    this.lastGauge = 0;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.deps.logger.error({ err: (err as Error).message.split("\n")[0] }, "lease reaper: tick failed"))
        .then((more) => this.schedule(more === true ? 0 : this.pollMs));
    }, ms);
    this.timer.unref();
  }

  /** True when a full batch was handled (more may be due). */
  private async tick(): Promise<boolean> {
    if (!(await this.lock.held())) return false;
    const now = new Date();
    const realms = new Map<string, ResolvedRealm | null>();
    const realmOf = async (id: string) => {
      if (!realms.has(id)) realms.set(id, await this.deps.realms.byId(id));
      return realms.get(id)!;
    };
    const notices = await this.queue.dueNotices(now, BATCH);
    const noticed = await Promise.all(notices.map(async (lease) => ({ lease, realm: await realmOf(lease.realmId) })));
    if (noticed.length > 0) await this.notice(noticed);
    const due = await this.queue.dueRevocations(now, BATCH);
    for (let i = 0; i < due.length; i += CONCURRENCY) {
      const batch = await Promise.all(due.slice(i, i + CONCURRENCY).map(async (lease) => ({ lease, realm: await realmOf(lease.realmId) })));
      await this.reap(batch);
    }
    if (Date.now() - this.lastGauge >= GAUGE_EVERY_MS) {
      this.deps.metrics.leasesRevokeFailed.set(await this.queue.countRevokeFailed());
      this.lastGauge = Date.now();
    }
    return notices.length === BATCH || due.length === BATCH;
  }

  private source(): RevokeSource {
    return { requestId: newRequestId(), principal: { subject: "system:reaper" }, ip: null };
  }

  /** One commit for every notice due in this tick (at most BATCH). */
  private async notice(due: { lease: LeaseRow; realm: ResolvedRealm | null }[]): Promise<void> {
    await this.deps.outbox.transaction(this.source(), async (tx, emit) => {
      for (const { lease, realm } of due) {
        if (!realm) {
          await new ReaperQueue(tx).markNoticeSent(lease.id);
          continue;
        }
        if (!(await leaseStore(tx, realm).update(lease.id, ["active"], { noticeSent: true }))) continue;
        const remaining = Math.max(0, Math.round((lease.expiresAt.getTime() - Date.now()) / 1000));
        emit("lease.expiring", {
          realm: realm.name,
          data: { lease_id: lease.id, engine: lease.engine, role: lease.role, expires_at: lease.expiresAt.toISOString(), ttl_remaining_seconds: remaining },
        });
      }
    });
  }

  private async reap(batch: { lease: LeaseRow; realm: ResolvedRealm | null }[]): Promise<void> {
    const items: RevokeItem[] = [];
    for (const { lease, realm } of batch) {
      if (realm) items.push({ realm, lease, final: lease.revokeRequestedAt ? "revoked" : "expired" });
      else {
        await this.queue.markUnrevocable(lease.id, "the realm of this lease was deleted");
        this.refreshGauge();
      }
    }
    if (items.length === 0) return;
    const outcomes = await this.deps.revoker.revokeMany(items, this.source());
    const done = Date.now();
    outcomes.forEach((o, i) => {
      if (o.ok && items[i]!.final === "expired") this.deps.metrics.leaseReaperLag.observe(Math.max(0, done - items[i]!.lease.expiresAt.getTime()) / 1000);
    });
  }
}
