/**
 * Ends leases in the external system and records the outcomes: the one place the API
 * (revoke, revoke-prefix, engine delete with force) and the reaper revoke through. A
 * failure schedules a retry with backoff; the sixth makes the lease `revoke_failed`.
 * A batch revokes concurrently and records every outcome in one commit (the reaper's
 * throughput at expiry is bound by store commits, not by the engines).
 */
import type { AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import type { EngineRuntime } from "../engines/runtime";
import type { Emit, EventSource, Outbox, Tx } from "../events/outbox";
import { safeReason } from "../engines/connections";
import type { ResolvedRealm } from "../store/realm-scoped";
import { MAX_REVOKE_ATTEMPTS, REVOKE_BACKOFF_SECONDS, type LeaseState } from "./schemas";
import { leaseStore, type LeaseRow } from "./store";

export const internalAad = (leaseId: string) => `lease:${leaseId}:internal`;

export type RevokeOutcome = { ok: true; state: LeaseState } | { ok: false; state: LeaseState; error: string };

/** Who is revoking, for events and audit. */
export interface RevokeSource extends EventSource {
  ip: string | null;
}

/** One lease to end; `final` is the state a success leaves: "revoked" when someone asked, "expired" at expiry. */
export interface RevokeItem {
  realm: ResolvedRealm;
  lease: LeaseRow;
  final: "revoked" | "expired";
}

const REVOCABLE: readonly LeaseState[] = ["active", "revoke_failed"];

export class LeaseRevoker {
  constructor(
    private readonly deps: {
      outbox: Pick<Outbox, "transaction">;
      keyring: Pick<Keyring, "decrypt">;
      runtime: Pick<EngineRuntime, "mountById">;
      audit: Pick<AuditWriter, "append">;
      onRevokeFailed?: () => void;
    },
  ) {}

  async revoke(realm: ResolvedRealm, lease: LeaseRow, final: "revoked" | "expired", source: RevokeSource): Promise<RevokeOutcome> {
    return (await this.revokeMany([{ realm, lease, final }], source))[0]!;
  }

  /** Revokes every item concurrently, then records all outcomes in one transaction. */
  async revokeMany(items: readonly RevokeItem[], source: RevokeSource): Promise<RevokeOutcome[]> {
    const errors = await Promise.all(items.map((item) => this.external(item)));
    const recorded: boolean[] = [];
    const outcomes = await this.deps.outbox.transaction(source, async (tx, emit) => {
      const results: RevokeOutcome[] = [];
      for (const [i, item] of items.entries()) {
        const error = errors[i] ?? null;
        const { outcome, changed } = error === null ? await this.succeeded(tx, emit, item) : await this.failed(tx, emit, item, error);
        results.push(outcome);
        recorded.push(changed);
      }
      return results;
    });
    if (outcomes.some((o) => o.state === "revoke_failed" && !o.ok)) this.deps.onRevokeFailed?.();
    await Promise.all(items.map((item, i) => (recorded[i] ? this.audit(source, item, outcomes[i]!) : Promise.resolve())));
    return outcomes;
  }

  /** Null when the credentials are gone from the external system, else the reason they are not. */
  private async external({ realm, lease }: RevokeItem): Promise<string | null> {
    try {
      const internal = JSON.parse(await this.deps.keyring.decrypt(realm, lease.keyVersion, internalAad(lease.id), lease.internal)) as Record<string, unknown>;
      const { driver, mount } = await this.deps.runtime.mountById(realm, lease.mountId);
      await driver.revoke(mount, internal);
      return null;
    } catch (err) {
      return safeReason(err);
    }
  }

  private async succeeded(tx: Tx, emit: Emit, { realm, lease, final }: RevokeItem) {
    const changed = await leaseStore(tx, realm).update(lease.id, REVOCABLE, { state: final, endedAt: new Date(), nextAttemptAt: null, lastError: null });
    if (changed) emit(final === "revoked" ? "lease.revoked" : "lease.expired", { realm: realm.name, data: { lease_id: lease.id, engine: lease.engine, role: lease.role } });
    return { outcome: { ok: true, state: final } as RevokeOutcome, changed };
  }

  private async failed(tx: Tx, emit: Emit, { realm, lease, final }: RevokeItem, error: string) {
    const attempts = lease.revokeAttempts + 1;
    const givingUp = attempts >= MAX_REVOKE_ATTEMPTS;
    const wait = REVOKE_BACKOFF_SECONDS[Math.min(attempts, REVOKE_BACKOFF_SECONDS.length) - 1]!;
    const state: LeaseState = givingUp ? "revoke_failed" : "active";
    const changed = await leaseStore(tx, realm).update(lease.id, REVOCABLE, {
      state,
      revokeAttempts: attempts,
      lastError: error,
      nextAttemptAt: givingUp ? null : new Date(Date.now() + wait * 1000),
      ...(final === "revoked" && !lease.revokeRequestedAt ? { revokeRequestedAt: new Date() } : {}),
    });
    if (changed && givingUp) emit("lease.revoke_failed", { realm: realm.name, data: { lease_id: lease.id, engine: lease.engine, role: lease.role, attempts, error } });
    return { outcome: { ok: false, state, error } as RevokeOutcome, changed };
  }

  private audit(source: RevokeSource, { realm, lease, final }: RevokeItem, outcome: RevokeOutcome) {
    return this.deps.audit.append({
      requestId: source.requestId,
      actor: source.principal.subject,
      action: final === "revoked" ? "lease.revoke" : "lease.expire",
      outcome: outcome.ok ? "success" : "failure",
      status: outcome.ok ? 200 : 503,
      realm: realm.name,
      resource: `lease:${lease.id}`,
      ip: source.ip,
      details: { engine: lease.engine, role: lease.role, attempts: lease.revokeAttempts + 1, ...(outcome.ok ? {} : { error: outcome.error }) },
    });
  }
}
