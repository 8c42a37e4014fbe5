/** Audit search (cursor-paged, realm-filtered to what the caller may read) and chain verification. */
import type { AccessGuard } from "../rbac/access";
import { holds, type Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { chainHash, GENESIS_HASH } from "./chain";
import { auditSuccess, type AuditWriter } from "./writer";

export interface AuditQuery {
  realm?: string;
  actor?: string;
  action?: string;
  outcome?: "success" | "denied" | "failure";
  requestId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: number;
}

export interface AuditRecordView {
  id: string;
  seq: number;
  time: string;
  request_id: string;
  actor: string;
  action: string;
  realm: string | null;
  resource: string | null;
  outcome: string;
  status: number;
  capability: string | null;
  reason: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface ChainReport {
  valid: boolean;
  checked: number;
  first_broken: { seq: number; id: string; reason: string } | null;
  head_hash: string;
}

type Row = Awaited<ReturnType<Db["auditRecord"]["findMany"]>>[number];

function view(r: Row): AuditRecordView {
  return {
    id: r.id,
    seq: r.seq,
    time: r.time.toISOString(),
    request_id: r.requestId,
    actor: r.actor,
    action: r.action,
    realm: r.realm,
    resource: r.resource,
    outcome: r.outcome,
    status: r.status,
    capability: r.capability,
    reason: r.reason,
    ip: r.ip,
    details: JSON.parse(r.details) as Record<string, unknown>,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

const VERIFY_PAGE = 2000;

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
  ) {}

  async search(actor: Actor, q: AuditQuery): Promise<{ items: AuditRecordView[]; next_cursor: string | null }> {
    const everywhere = holds(actor.principal, "audit:read", null);
    // Readers of every realm may filter by any name, including realms deleted since.
    if (q.realm && !everywhere) await this.access.requireRealm(actor, "audit:read", q.realm, "audit.search");
    else await this.access.requireSomewhere(actor, "audit:read", "audit.search");
    const readable = everywhere || q.realm ? null : actor.principal.grants.filter((g) => holds(actor.principal, "audit:read", g.realm)).map((g) => g.realm);
    const rows = await this.db.auditRecord.findMany({
      where: {
        ...(q.realm ? { realm: q.realm } : readable ? { realm: { in: readable } } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.requestId ? { requestId: q.requestId } : {}),
        ...(q.from || q.to ? { time: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
        ...(q.cursor !== undefined ? { seq: { lt: q.cursor } } : {}),
      },
      orderBy: { seq: "desc" },
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    await auditSuccess(this.audit, actor, "audit.search", { realm: q.realm ?? null, details: { count: page.length } });
    return { items: page.map(view), next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null };
  }

  /** Recomputes the whole chain in order; reports the first record whose links do not hold. */
  async verify(actor: Actor): Promise<ChainReport> {
    await this.access.require(actor, "audit:read", "audit.verify");
    await this.audit.drain();
    let prev = GENESIS_HASH;
    let checked = 0;
    let after = 0;
    for (;;) {
      const rows = await this.db.auditRecord.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: VERIFY_PAGE });
      for (const r of rows) {
        const broken = r.prevHash !== prev ? "prev_hash does not match the previous record" : chainHash(prev, r) !== r.hash ? "hash does not match the record's contents" : null;
        if (broken) {
          const report: ChainReport = { valid: false, checked, first_broken: { seq: r.seq, id: r.id, reason: broken }, head_hash: prev };
          await auditSuccess(this.audit, actor, "audit.verify", { details: { valid: false, first_broken_seq: r.seq } });
          return report;
        }
        prev = r.hash;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) break;
      after = rows[rows.length - 1]!.seq;
    }
    await auditSuccess(this.audit, actor, "audit.verify", { details: { valid: true, checked } });
    return { valid: true, checked, first_broken: null, head_hash: prev };
  }
}
