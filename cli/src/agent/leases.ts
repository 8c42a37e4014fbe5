/**
 * `--lease NAME=engine/role`: holds one dynamic credential lease, renews it when two thirds
 * of its TTL has passed, takes a new one when it can no longer be extended, and revokes it
 * on exit. Its credentials become the values NAME_<FIELD> (NAME_USERNAME, NAME_PASSWORD).
 */
import { ArcanError, type ArcanClient } from "#sdk";

export interface LeaseSpec {
  name: string;
  engine: string;
  role: string;
}

interface LeaseAnswer {
  lease_id: string;
  credentials?: Record<string, unknown>;
  issued_at?: string;
  expires_at?: string;
}

interface HeldLease {
  id: string;
  credentials: Record<string, unknown>;
  expiresAt: number;
  renewAt: number;
}

/** A renewal that gains less than this is taken as "capped by max_ttl": a new lease is taken instead. */
const MIN_GAIN_MS = 1000;

export function parseLeaseSpec(text: string): LeaseSpec {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (!match) throw new Error(`--lease must be NAME=engine/role, e.g. DB=pg/readonly (got "${text}").`);
  return { name: match[1]!, engine: match[2]!, role: match[3]! };
}

export class LeaseKeeper {
  private held: HeldLease | null = null;

  constructor(
    private readonly client: ArcanClient,
    private readonly realm: string,
    readonly spec: LeaseSpec,
  ) {}

  /** When this lease next needs attention (ms since epoch); 0 when it has none yet. */
  get dueAt(): number {
    return this.held?.renewAt ?? 0;
  }

  /** Takes the first lease, or renews (or replaces) it when due; returns true when the credentials changed. */
  async maintain(now = Date.now()): Promise<boolean> {
    if (!this.held || now >= this.held.expiresAt) {
      await this.acquire();
      return true;
    }
    if (now < this.held.renewAt) return false;
    const previous = this.held;
    try {
      const expiresAt = await this.renew(previous.id);
      if (expiresAt - previous.expiresAt >= MIN_GAIN_MS) {
        this.held = { ...previous, expiresAt, renewAt: Date.now() + ((expiresAt - Date.now()) * 2) / 3 };
        return false;
      }
    } catch (err) {
      // Unreachable: try again later while the lease is still valid. A refusal (revoked, expired): replace it.
      if (!(err instanceof ArcanError) || err.status === 0 || err.status >= 500 || err.status === 429) throw err;
    }
    await this.acquire();
    await this.revokeQuietly(previous.id);
    return true;
  }

  values(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [field, value] of Object.entries(this.held?.credentials ?? {})) {
      if (value === null || value === undefined) continue;
      out.set(`${this.spec.name}_${field.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`, typeof value === "string" ? value : JSON.stringify(value));
    }
    return out;
  }

  /** Revokes the held lease (on exit); errors are returned, not thrown, so every lease gets its try. */
  async revoke(): Promise<Error | null> {
    if (!this.held) return null;
    const id = this.held.id;
    this.held = null;
    try {
      await this.client.lease.revoke(id, { realm: this.realm });
      return null;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private async acquire(): Promise<void> {
    const answer = (await this.client.lease.create(this.spec.engine, this.spec.role, { realm: this.realm })) as unknown as LeaseAnswer;
    const issuedAt = parseTime(answer.issued_at) ?? Date.now();
    const expiresAt = parseTime(answer.expires_at);
    if (!answer.lease_id || expiresAt === null) throw new Error(`The lease answer for ${this.spec.engine}/${this.spec.role} has no lease_id or expires_at.`);
    this.held = { id: answer.lease_id, credentials: answer.credentials ?? {}, expiresAt, renewAt: issuedAt + ((expiresAt - issuedAt) * 2) / 3 };
  }

  private async renew(id: string): Promise<number> {
    const base = `/api/v1/realms/${encodeURIComponent(this.realm)}/leases/${encodeURIComponent(id)}`;
    const renewed = await this.client.core.send<LeaseAnswer | undefined>("POST", `${base}/renew`, {});
    const expiresAt = parseTime(renewed?.expires_at);
    if (expiresAt !== null) return expiresAt;
    // An answer without the lease: read it back.
    const current = await this.client.core.send<LeaseAnswer>("GET", base);
    const readBack = parseTime(current.expires_at);
    if (readBack === null) throw new Error(`Lease ${id} has no expires_at.`);
    return readBack;
  }

  private async revokeQuietly(id: string): Promise<void> {
    await this.client.lease.revoke(id, { realm: this.realm }).catch(() => undefined);
  }
}

function parseTime(value: string | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}
