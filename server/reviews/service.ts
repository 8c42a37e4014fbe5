/**
 * Step-up reviews: a review-lane decision opens one (or joins the pending one for the same
 * user, agent, action and resource); a holder of `reviews:decide` who is not the
 * delegating user approves or denies it. An approval lets the same request through until
 * its ttl; a pending review past `[reviews] expire_after` becomes expired (stays denied).
 */
import type { AuditWriter } from "../audit/writer";
import type { CompositePrincipal } from "../policies/engine";
import { errors } from "../errors";
import type { EventSource, Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { parseTtl } from "../tokens/ttl";
import { reviewOps, type ReviewState, type ReviewView } from "./schemas";

type Row = NonNullable<Awaited<ReturnType<Db["review"]["findUnique"]>>>;

export interface ReviewRequest {
  decisionId: string;
  principal: CompositePrincipal;
  task: string;
  action: string;
  resource: { type: string; id: string; attributes: Record<string, unknown> };
  policyId: string | null;
}

export class ReviewService {
  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessGuard, "require">;
      audit: Pick<AuditWriter, "append">;
      outbox: Pick<Outbox, "transaction">;
      expireAfterSeconds: number;
      approvalTtlSeconds: number;
    },
  ) {}

  /** An unexpired approval for exactly this user, agent, action and resource. */
  async approvalFor(key: { userId: string; agentId: string; action: string; resource: string }): Promise<{ id: string } | null> {
    const row = await this.deps.db.review.findFirst({
      where: { state: "approved", userId: key.userId, agentId: key.agentId, action: key.action, resourceKey: key.resource, approvedUntil: { gt: new Date() } },
      orderBy: { approvedUntil: "desc" },
      select: { id: true },
    });
    return row;
  }

  /** Opens a review for a review-lane decision, or returns the pending one for the same request. */
  async open(source: EventSource, request: ReviewRequest): Promise<string> {
    const { db, outbox, expireAfterSeconds } = this.deps;
    const now = new Date();
    const key = { userId: request.principal.user.id, agentId: request.principal.agent.id, action: request.action, resourceKey: `${request.resource.type}/${request.resource.id}` };
    const pending = await db.review.findFirst({ where: { ...key, state: "pending", expiresAt: { gt: now } }, select: { id: true } });
    if (pending) return pending.id;
    const id = newId("rev");
    await outbox.transaction(source, async (tx, emit) => {
      await tx.review.create({
        data: {
          id,
          state: "pending",
          decisionId: request.decisionId,
          ...key,
          principal: JSON.stringify(request.principal),
          task: request.task,
          resource: JSON.stringify(request.resource),
          policyId: request.policyId,
          requestedAt: now,
          expiresAt: new Date(now.getTime() + expireAfterSeconds * 1000),
        },
      });
      emit("decision.review_requested", {
        data: { review_id: id, decision_id: request.decisionId, user: key.userId, agent: key.agentId, task: request.task, action: request.action, resource: key.resourceKey, policy_id: request.policyId },
      });
    });
    return id;
  }

  async list(actor: Actor, opts: { state?: ReviewState; limit: number; cursor?: string }): Promise<{ items: ReviewView[]; next_cursor: string | null }> {
    await this.deps.access.require(actor, "reviews:decide", reviewOps.list.action);
    await this.expireDue();
    // Pending first (oldest waiting first), then the rest newest first.
    const rows = await this.deps.db.review.findMany({
      where: { ...(opts.state ? { state: opts.state } : {}), ...(opts.cursor ? { id: { lt: opts.cursor } } : {}) },
      orderBy: { id: "desc" },
      take: opts.limit + 1,
    });
    const page = rows.slice(0, opts.limit);
    const ordered = [...page.filter((r) => r.state === "pending").reverse(), ...page.filter((r) => r.state !== "pending")];
    await this.audited(actor, reviewOps.list.action, null, { state: opts.state ?? null });
    return { items: ordered.map(view), next_cursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
  }

  async get(actor: Actor, id: string): Promise<ReviewView> {
    await this.deps.access.require(actor, "reviews:decide", reviewOps.get.action);
    await this.expireDue();
    const row = await this.row(id);
    await this.audited(actor, reviewOps.get.action, id);
    return view(row);
  }

  async approve(actor: Actor, id: string, input: { note?: string | undefined; ttl?: string | number | undefined }): Promise<ReviewView> {
    await this.deps.access.require(actor, "reviews:decide", reviewOps.approve.action);
    const ttl = input.ttl === undefined ? this.deps.approvalTtlSeconds : parseTtl(input.ttl);
    if (ttl === null) throw errors.invalid('ttl must be a duration such as "15m", "1h" or a number of seconds.', [{ field: "ttl", message: "not a duration" }]);
    const decided = await this.decide(actor, id, "approved", input.note, new Date(Date.now() + ttl * 1000));
    await this.audited(actor, reviewOps.approve.action, id, { ttl_seconds: ttl, note: input.note ?? null });
    return decided;
  }

  async deny(actor: Actor, id: string, input: { note?: string | undefined }): Promise<ReviewView> {
    await this.deps.access.require(actor, "reviews:decide", reviewOps.deny.action);
    const decided = await this.decide(actor, id, "denied", input.note, null);
    await this.audited(actor, reviewOps.deny.action, id, { note: input.note ?? null });
    return decided;
  }

  /** Pending reviews past their deadline become expired. */
  async expireDue(): Promise<number> {
    const { count } = await this.deps.db.review.updateMany({ where: { state: "pending", expiresAt: { lte: new Date() } }, data: { state: "expired" } });
    return count;
  }

  private async decide(actor: Actor, id: string, state: "approved" | "denied", note: string | undefined, approvedUntil: Date | null): Promise<ReviewView> {
    await this.expireDue();
    const row = await this.row(id);
    if (isDelegatingUser(actor, row)) {
      await this.deps.audit.append({ requestId: actor.requestId, actor: actor.principal.subject, action: state === "approved" ? reviewOps.approve.action : reviewOps.deny.action, outcome: "denied", status: 403, ip: actor.ip, resource: `review:${id}`, reason: "self_review" });
      throw errors.forbidden("The user an agent acts for may not decide their own review.", "self_review");
    }
    if (row.state !== "pending") throw errors.conflict(`Review ${id} is already ${row.state}.`, "review_not_pending");
    return this.deps.outbox.transaction(actor, async (tx, emit) => {
      const { count } = await tx.review.updateMany({
        where: { id, state: "pending" },
        data: { state, decidedAt: new Date(), decidedBy: actor.principal.subject, note: note ?? null, approvedUntil },
      });
      if (count === 0) throw errors.conflict(`Review ${id} was decided by another request.`, "review_not_pending");
      emit(state === "approved" ? "decision.review_approved" : "decision.review_denied", {
        data: { review_id: id, decision_id: row.decisionId, user: row.userId, agent: row.agentId, action: row.action, resource: row.resourceKey, approved_until: approvedUntil?.toISOString() ?? null },
      });
      return view((await tx.review.findUnique({ where: { id } }))!);
    });
  }

  private async row(id: string): Promise<Row> {
    const row = await this.deps.db.review.findUnique({ where: { id } });
    if (!row) throw errors.notFound(`Review "${id}"`, "review_not_found");
    return row;
  }

  private audited(actor: Actor, action: string, id: string | null, details: Record<string, unknown> = {}): Promise<void> {
    if (actor.navigation) return Promise.resolve();
    return this.deps.audit.append({ requestId: actor.requestId, actor: actor.principal.subject, action, outcome: "success", status: 200, ip: actor.ip, resource: id ? `review:${id}` : null, details });
  }
}

/** The delegating user, however the review names them: an RBAC subject, a user name or an email. */
function isDelegatingUser(actor: Actor, row: Row): boolean {
  const { subject, kind, name } = actor.principal;
  const user = (JSON.parse(row.principal) as CompositePrincipal).user;
  if (row.userId === subject) return true;
  return kind === "user" && (row.userId === name || row.userId === `user:${name}` || user.email === name);
}

function view(row: Row): ReviewView {
  const principal = JSON.parse(row.principal) as CompositePrincipal;
  return {
    id: row.id,
    state: row.state as ReviewState,
    decision_id: row.decisionId,
    user: principal.user,
    agent: principal.agent,
    workload: principal.workload,
    task: row.task,
    action: row.action,
    resource: JSON.parse(row.resource) as ReviewView["resource"],
    policy_id: row.policyId,
    requested_at: row.requestedAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    decided_at: row.decidedAt?.toISOString() ?? null,
    decided_by: row.decidedBy,
    note: row.note,
    approved_until: row.approvedUntil?.toISOString() ?? null,
  };
}
