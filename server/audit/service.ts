/** Audit search (cursor-paged, realm-filtered to what the caller may read) and chain verification. */
import type { AccessGuard } from "../access/guard";
import { holds, type Actor } from "../rbac/principal";
import type { SubjectDirectory } from "../rbac/subjects";
import type { Db } from "../store/client";
import { chainHash, GENESIS_HASH } from "../store/audit-chain";
import { auditOps as ops, type AuditQuery, type AuditRecordView, type ChainReport } from "./schemas";
import { auditSuccess, type AuditWriter } from "./writer";

export type { AuditQuery, AuditRecordView, ChainReport } from "./schemas";

export interface AuditServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "require" | "requireSomewhere" | "requireRealm">;
  /** Appends this service's own records; drains pending ones before a verify and a search. */
  audit: Pick<AuditWriter, "append" | "drain" | "settle">;
  /** The actor filter takes a token, operator or agent name as well as a subject. */
  subjects?: Pick<SubjectDirectory, "byName">;
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
  constructor(private readonly deps: AuditServiceDeps) {}

  async search(actor: Actor, q: AuditQuery): Promise<{ items: AuditRecordView[]; next_cursor: string | null }> {
    const everywhere = holds(actor.principal, ops.search.capability, null);
    // Readers of every realm may filter by any name, including realms deleted since.
    if (q.realm && !everywhere) await this.deps.access.requireRealm(actor, ops.search.capability, q.realm, ops.search.action);
    else await this.deps.access.requireSomewhere(actor, ops.search.capability, ops.search.action);
    const readable = everywhere || q.realm ? null : actor.principal.grants.filter((g) => holds(actor.principal, ops.search.capability, g.realm)).map((g) => g.realm);
    await this.deps.audit.settle();
    const actors = q.actor ? [q.actor, ...((await this.deps.subjects?.byName(q.actor)) ?? [])] : null;
    const rows = await this.deps.db.auditRecord.findMany({
      where: {
        ...(q.realm ? { realm: q.realm } : readable ? { realm: { in: readable } } : {}),
        ...(actors ? { actor: { in: [...new Set(actors)] } } : {}),
        ...(q.action ? { action: q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.request_id ? { requestId: q.request_id } : {}),
        ...(q.from || q.to ? { time: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
        ...(q.cursor !== undefined ? { seq: { lt: q.cursor } } : {}),
      },
      orderBy: { seq: "desc" },
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    await auditSuccess(this.deps.audit, actor, ops.search.action, { realm: q.realm ?? null, details: { count: page.length } });
    return { items: page.map(view), next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null };
  }

  /** Recomputes the whole chain in order; reports the first record whose links do not hold. */
  async verify(actor: Actor): Promise<ChainReport> {
    await this.deps.access.require(actor, ops.verify.capability, ops.verify.action);
    await this.deps.audit.drain();
    let prev = GENESIS_HASH;
    let checked = 0;
    let after = 0;
    for (;;) {
      const rows = await this.deps.db.auditRecord.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: VERIFY_PAGE });
      for (const r of rows) {
        const broken = r.prevHash !== prev ? "prev_hash does not match the previous record" : chainHash(prev, r) !== r.hash ? "hash does not match the record's contents" : null;
        if (broken) {
          const report: ChainReport = { valid: false, checked, first_broken: { seq: r.seq, id: r.id, reason: broken }, head_hash: prev };
          await auditSuccess(this.deps.audit, actor, ops.verify.action, { details: { valid: false, first_broken_seq: r.seq } });
          return report;
        }
        prev = r.hash;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) break;
      after = rows[rows.length - 1]!.seq;
    }
    await auditSuccess(this.deps.audit, actor, ops.verify.action, { details: { valid: true, checked } });
    return { valid: true, checked, first_broken: null, head_hash: prev };
  }
}
