/**
 * Lease rows. `leaseStore(db, realm)` is the realm-scoped access every request uses;
 * `reaperQueue(db)` is the reaper's system-level view across realms (cleanup only: it
 * finds due work, and each lease is then handled in its own realm).
 */
import type { Tx } from "../events/outbox";
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";
import type { Lease } from "../store/types";
import type { LeaseState } from "./schemas";

export type LeaseRow = Lease;

export type LeaseUpdate = Partial<
  Pick<Lease, "state" | "expiresAt" | "renewedAt" | "noticeAt" | "noticeSent" | "revokeRequestedAt" | "revokeAttempts" | "nextAttemptAt" | "lastError" | "endedAt">
>;

export class LeaseRows {
  constructor(
    private readonly db: Db | Tx,
    private readonly realmId: string,
  ) {}

  create(data: Omit<Lease, "realmId" | "revokeAttempts" | "nextAttemptAt" | "lastError" | "endedAt" | "renewedAt" | "revokeRequestedAt" | "noticeSent" | "state">) {
    return this.db.lease.create({ data: { ...data, realmId: this.realmId, state: "active" } });
  }

  find(id: string) {
    return this.db.lease.findFirst({ where: { id, realmId: this.realmId } });
  }

  list(filter: { engine?: string; role?: string; state?: LeaseState; take: number; afterId?: string }) {
    return this.db.lease.findMany({
      where: {
        realmId: this.realmId,
        ...(filter.engine ? { engine: filter.engine } : {}),
        ...(filter.role ? { role: filter.role } : {}),
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.afterId ? { id: { lt: filter.afterId } } : {}),
      },
      orderBy: { id: "desc" },
      take: filter.take,
    });
  }

  countActive() {
    return this.db.lease.count({ where: { realmId: this.realmId, state: "active" } });
  }

  active(filter: { mountId?: string; engine?: string; role?: string }) {
    return this.db.lease.findMany({
      where: {
        realmId: this.realmId,
        state: "active",
        ...(filter.mountId ? { mountId: filter.mountId } : {}),
        ...(filter.engine ? { engine: filter.engine } : {}),
        ...(filter.role ? { role: filter.role } : {}),
      },
      orderBy: { id: "asc" },
    });
  }

  /** Applies the change only while the lease is in one of `from` (so two revokers cannot both finish it). */
  async update(id: string, from: readonly LeaseState[], data: LeaseUpdate): Promise<boolean> {
    const { count } = await this.db.lease.updateMany({ where: { id, realmId: this.realmId, state: { in: [...from] } }, data });
    return count === 1;
  }

  async delete(id: string, from: readonly LeaseState[]): Promise<boolean> {
    const { count } = await this.db.lease.deleteMany({ where: { id, realmId: this.realmId, state: { in: [...from] } } });
    return count === 1;
  }
}

export function leaseStore(db: Db | Tx, realm: ResolvedRealm): LeaseRows {
  return new LeaseRows(db, realm.id);
}

export class ReaperQueue {
  constructor(private readonly db: Db | Tx) {}

  /** Active leases past expiry, or whose revocation was asked for, whose next attempt is due. */
  dueRevocations(now: Date, take: number) {
    return this.db.lease.findMany({
      where: {
        state: "active",
        OR: [{ expiresAt: { lte: now } }, { revokeRequestedAt: { not: null } }],
        AND: [{ OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] }],
      },
      orderBy: { expiresAt: "asc" },
      take,
    });
  }

  dueNotices(now: Date, take: number) {
    return this.db.lease.findMany({ where: { state: "active", noticeSent: false, noticeAt: { lte: now } }, orderBy: { noticeAt: "asc" }, take });
  }

  markNoticeSent(id: string) {
    return this.db.lease.updateMany({ where: { id, noticeSent: false }, data: { noticeSent: true } });
  }

  /** A lease whose realm is gone cannot be opened any more (its data key went with it). */
  markUnrevocable(id: string, error: string) {
    return this.db.lease.updateMany({ where: { id, state: "active" }, data: { state: "revoke_failed", lastError: error, nextAttemptAt: null } });
  }

  countRevokeFailed() {
    return this.db.lease.count({ where: { state: "revoke_failed" } });
  }
}
