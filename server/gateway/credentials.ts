/**
 * The value a route injects. A secret is read (and decrypted) at each request, so a new
 * version is used at once. A lease is taken once and held: renewed in the background when
 * two thirds of its TTL has passed, replaced by a new one when it cannot be renewed or has
 * ended, revoked when the route changes or is deleted and when the gateway stops.
 * Values stay in memory only; nothing here logs them.
 */
import type { Logger } from "pino";
import { AppError } from "../errors";
import type { LeaseService } from "../leases/service";
import type { Actor } from "../rbac/principal";
import type { SecretService } from "../secrets/service";
import type { InjectSpec } from "./schemas";

interface HeldLease {
  id: string;
  realm: string;
  value: string;
  issuedAt: number;
  expiresAt: number;
  renewing: boolean;
}

/** A lease is replaced this long before it ends, so no request carries a credential about to lapse. */
const END_MARGIN_MS = 1_000;

export class GatewayCredentials {
  private readonly held = new Map<string, HeldLease>();
  private readonly pending = new Map<string, Promise<HeldLease>>();

  constructor(
    private readonly deps: {
      secrets: Pick<SecretService, "resolve">;
      leases: Pick<LeaseService, "create" | "renew" | "revoke">;
      logger: Logger;
    },
  ) {}

  /** The raw credential for a route's `inject` (a 503 when it cannot be had). */
  async value(actor: Actor, route: string, inject: InjectSpec): Promise<string> {
    if (inject.secret) return this.deps.secrets.resolve(actor, inject.secret.realm, inject.secret.key);
    const lease = await this.lease(actor, route, inject);
    return lease.value;
  }

  /** Drops (and revokes) the lease a route holds: its inject changed, or it was deleted. */
  async forget(actor: Actor, route: string): Promise<void> {
    const held = this.held.get(route);
    this.held.delete(route);
    if (held) await this.revoke(actor, held);
  }

  async close(actor: Actor): Promise<void> {
    const all = [...this.held.values()];
    this.held.clear();
    await Promise.all(all.map((h) => this.revoke(actor, h)));
  }

  private async lease(actor: Actor, route: string, inject: InjectSpec): Promise<HeldLease> {
    const now = Date.now();
    const held = this.held.get(route);
    if (held && now < held.expiresAt - END_MARGIN_MS) {
      if (!held.renewing && now >= held.issuedAt + ((held.expiresAt - held.issuedAt) * 2) / 3) this.renewInBackground(actor, route, held, inject);
      return held;
    }
    let taking = this.pending.get(route);
    if (!taking) {
      taking = this.take(actor, inject).finally(() => this.pending.delete(route));
      this.pending.set(route, taking);
    }
    const fresh = await taking;
    const old = this.held.get(route);
    this.held.set(route, fresh);
    if (old && old.id !== fresh.id) void this.revoke(actor, old);
    return fresh;
  }

  private async take(actor: Actor, inject: InjectSpec): Promise<HeldLease> {
    const spec = inject.lease!;
    const created = await this.deps.leases.create(actor, spec.realm, { engine: spec.engine, role: spec.role });
    const value = created.credentials[spec.field];
    if (value === undefined) {
      await this.deps.leases.revoke(actor, spec.realm, created.lease_id).catch(() => undefined);
      throw new AppError("unavailable", `The lease of ${spec.engine}/${spec.role} has no credential named "${spec.field}".`, { code: "gateway_credential_unavailable" });
    }
    return { id: created.lease_id, realm: spec.realm, value, issuedAt: Date.parse(created.issued_at), expiresAt: Date.parse(created.expires_at), renewing: false };
  }

  private renewInBackground(actor: Actor, route: string, held: HeldLease, inject: InjectSpec): void {
    held.renewing = true;
    void (async () => {
      try {
        const renewed = await this.deps.leases.renew(actor, held.realm, held.id, {});
        const expiresAt = Date.parse(renewed.expires_at);
        if (expiresAt > held.expiresAt + END_MARGIN_MS) {
          held.issuedAt = Date.now();
          held.expiresAt = expiresAt;
          held.renewing = false;
          return;
        }
      } catch (err) {
        this.deps.logger.warn({ route, lease: held.id, err: (err as Error).message.split("\n")[0] }, "gateway lease renewal failed; taking a new lease");
      }
      // At its max TTL (or the renewal failed): a new lease replaces it before it ends.
      try {
        const fresh = await this.take(actor, inject);
        if (this.held.get(route) === held) this.held.set(route, fresh);
        else await this.revoke(actor, fresh);
        await this.revoke(actor, held);
      } catch (err) {
        held.renewing = false;
        this.deps.logger.warn({ route, err: (err as Error).message.split("\n")[0] }, "gateway could not take a new lease");
      }
    })();
  }

  private async revoke(actor: Actor, held: HeldLease): Promise<void> {
    try {
      await this.deps.leases.revoke(actor, held.realm, held.id);
    } catch (err) {
      this.deps.logger.warn({ lease: held.id, err: (err as Error).message.split("\n")[0] }, "gateway lease revocation failed (the reaper ends it at expiry)");
    }
  }
}
