/**
 * Ends a lease in the external system and records the outcome: the one place both the
 * API (revoke, revoke-prefix, engine delete with force) and the reaper revoke through. A
 * failure schedules a retry with backoff; the sixth makes the lease `revoke_failed`.
 */
import type { AuditWriter } from "../audit/writer";
import type { Keyring } from "../crypto/keyring";
import type { EngineRuntime } from "../engines/runtime";
import type { EventSource, Outbox } from "../events/outbox";
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

  /** `final` is the state a success leaves: "revoked" when someone asked, "expired" at expiry. */
  async revoke(realm: ResolvedRealm, lease: LeaseRow, final: "revoked" | "expired", source: RevokeSource): Promise<RevokeOutcome> {
    try {
      const internal = JSON.parse(await this.deps.keyring.decrypt(realm, lease.keyVersion, internalAad(lease.id), lease.internal)) as Record<string, unknown>;
      const { driver, mount } = await this.deps.runtime.mountById(realm, lease.mountId);
      await driver.revoke(mount, internal);
    } catch (err) {
      return this.failed(realm, lease, final, source, safeReason(err));
    }
    const event = final === "revoked" ? "lease.revoked" : "lease.expired";
    const done = await this.deps.outbox.transaction(source, async (tx, emit) => {
      const changed = await leaseStore(tx, realm).update(lease.id, REVOCABLE, { state: final, endedAt: new Date(), nextAttemptAt: null, lastError: null });
      if (changed) emit(event, { realm: realm.name, data: { lease_id: lease.id, engine: lease.engine, role: lease.role } });
      return changed;
    });
    if (done) await this.record(source, final === "revoked" ? "lease.revoke" : "lease.expire", realm, lease, "success", { attempts: lease.revokeAttempts + 1 });
    return { ok: true, state: final };
  }

  private async failed(realm: ResolvedRealm, lease: LeaseRow, final: "revoked" | "expired", source: RevokeSource, error: string): Promise<RevokeOutcome> {
    const attempts = lease.revokeAttempts + 1;
    const givingUp = attempts >= MAX_REVOKE_ATTEMPTS;
    const wait = REVOKE_BACKOFF_SECONDS[Math.min(attempts, REVOKE_BACKOFF_SECONDS.length) - 1]!;
    const state: LeaseState = givingUp ? "revoke_failed" : "active";
    await this.deps.outbox.transaction(source, async (tx, emit) => {
      const changed = await leaseStore(tx, realm).update(lease.id, REVOCABLE, {
        state,
        revokeAttempts: attempts,
        lastError: error,
        nextAttemptAt: givingUp ? null : new Date(Date.now() + wait * 1000),
        ...(final === "revoked" && !lease.revokeRequestedAt ? { revokeRequestedAt: new Date() } : {}),
      });
      if (changed && givingUp) emit("lease.revoke_failed", { realm: realm.name, data: { lease_id: lease.id, engine: lease.engine, role: lease.role, attempts, error } });
    });
    if (givingUp) this.deps.onRevokeFailed?.();
    await this.record(source, final === "revoked" ? "lease.revoke" : "lease.expire", realm, lease, "failure", { attempts, error });
    return { ok: false, state, error };
  }

  private record(source: RevokeSource, action: string, realm: ResolvedRealm, lease: LeaseRow, outcome: "success" | "failure", details: Record<string, unknown>) {
    return this.deps.audit.append({
      requestId: source.requestId,
      actor: source.principal.subject,
      action,
      outcome,
      status: outcome === "success" ? 200 : 503,
      realm: realm.name,
      resource: `lease:${lease.id}`,
      ip: source.ip,
      details: { engine: lease.engine, role: lease.role, ...details },
    });
  }
}
