/**
 * Which policy versions are in force: the enforced one and, optionally, a shadow. Read on
 * every decision, so it is cached for a second (another process's activation reaches this
 * one within that time; this process's own activations drop the cache at once).
 */
import type { Db } from "../store/client";

export interface ActiveVersion {
  id: string;
  version: number;
  source: string;
}

export interface ActiveVersions {
  enforced: ActiveVersion | null;
  shadow: ActiveVersion | null;
}

const TTL_MS = 1000;
const SELECT = { id: true, version: true, source: true, state: true } as const;

export class PolicyDirectory {
  private cached: { at: number; value: ActiveVersions } | null = null;

  constructor(private readonly deps: { db: Db }) {}

  async active(): Promise<ActiveVersions> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < TTL_MS) return this.cached.value;
    const rows = await this.deps.db.policyVersion.findMany({ where: { state: { in: ["enforced", "shadow"] } }, select: SELECT });
    const pick = (state: string) => {
      const row = rows.find((r) => r.state === state);
      return row ? { id: row.id, version: row.version, source: row.source } : null;
    };
    const value = { enforced: pick("enforced"), shadow: pick("shadow") };
    this.cached = { at: now, value };
    return value;
  }

  async byId(id: string): Promise<ActiveVersion | null> {
    const row = await this.deps.db.policyVersion.findUnique({ where: { id }, select: SELECT });
    return row ? { id: row.id, version: row.version, source: row.source } : null;
  }

  forget(): void {
    this.cached = null;
  }
}
