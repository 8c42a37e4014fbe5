/**
 * Agent authorization decisions (POST /api/v1/authorize): the token check (STS verifier),
 * the task-scope check, then Cedar; review-lane outcomes go to a human unless an approval
 * for the same request is in force. Every decision is counted per minute by lane and
 * written to the audit chain, which carries the decision log's row, before it is answered.
 */
import type { AuditEntry, AuditWriter } from "../audit/writer";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { PolicyDirectory } from "../policies/directory";
import { compositeId, REVIEW_POLICY_PREFIX, type CompositePrincipal, type EvaluationRequest, type Lane, type Outcome, type PolicyEngine } from "../policies/engine";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { ReviewService } from "../reviews/service";
import type { StsTokenVerifier } from "../sts/verifier";
import type { DecisionRecorder } from "./recorder";
import { evaluationRequestOf, type DecisionEntry, type DecisionLog } from "./log";
import { scopeCovers } from "../agents/scopes";
import { DECISION_RECORD_KEY, type RecordedDecision } from "../store/decision-rows";
import { decisionOps, DENY_REASONS, type AuthorizeInput, type AuthorizeView, type DecisionRecordView, type ReplayView } from "./schemas";

interface Identity {
  source: "token" | "principal";
  principal: CompositePrincipal | null;
  task: string;
  scopes: string[] | null;
  /** A deny decided before the policy stage (token or scope check). */
  preDeny: string | null;
  detail: string | null;
}

export class DecisionService {
  constructor(
    private readonly deps: {
      access: Pick<AccessGuard, "require">;
      audit: Pick<AuditWriter, "append">;
      outbox: Pick<Outbox, "emit">;
      recorder: Pick<DecisionRecorder, "record">;
      engine: PolicyEngine;
      policies: Pick<PolicyDirectory, "active" | "byId">;
      reviews: Pick<ReviewService, "approvalFor" | "open">;
      decisionLog: Pick<DecisionLog, "byId">;
      stsVerifier: StsTokenVerifier;
    },
  ) {}

  async authorize(actor: Actor, input: AuthorizeInput): Promise<AuthorizeView> {
    const started = process.hrtime.bigint();
    await this.deps.access.require(actor, "decisions:evaluate", decisionOps.authorize.action);
    const identity = await this.identify(input);
    const resource = { type: input.resource.type, id: input.resource.id, attributes: input.resource.attributes ?? {} };
    const resourceKey = `${resource.type}/${resource.id}`;
    const context = contextFor(input.context ?? {}, identity);
    const request: EvaluationRequest | null = identity.principal ? { principal: identity.principal, action: input.action, resource, context } : null;
    const active = await this.deps.policies.active();

    let outcome: Outcome;
    if (identity.preDeny || !request) outcome = denied(identity.preDeny ?? DENY_REASONS.tokenInvalid);
    else if (!active.enforced) outcome = denied(DENY_REASONS.noPolicyActive);
    else outcome = this.deps.engine.evaluate(active.enforced.id, active.enforced.source, request);
    const shadowOutcome = request && !identity.preDeny && active.shadow ? this.deps.engine.evaluate(active.shadow.id, active.shadow.source, request) : null;

    const id = newId("dec");
    let decision: Lane = outcome.lane;
    let policyId = outcome.policyId;
    let reasons = outcome.reasons;
    let reviewId: string | null = null;
    if (outcome.lane === "review" && identity.principal) {
      const approval = await this.deps.reviews.approvalFor({ userId: identity.principal.user.id, agentId: identity.principal.agent.id, action: input.action, resource: resourceKey });
      if (approval) {
        decision = "allow";
        policyId = `${REVIEW_POLICY_PREFIX}${approval.id}`;
        reasons = [`approved in review ${approval.id}`];
        reviewId = approval.id;
      }
    }
    const latencyUs = Number((process.hrtime.bigint() - started) / 1000n);
    if (decision === "review" && identity.principal) {
      reviewId = await this.deps.reviews.open(actor, { decisionId: id, principal: identity.principal, task: identity.task, action: input.action, resource, policyId });
    }

    const policyVersion = identity.preDeny ? null : (active.enforced?.version ?? null);
    const entry: DecisionEntry = {
      id,
      time: new Date(),
      requestId: actor.requestId,
      caller: actor.principal.subject,
      source: identity.source,
      principal: identity.principal,
      task: identity.task,
      scopes: identity.scopes,
      action: input.action,
      resource,
      context,
      decision,
      lane: outcome.lane,
      policyId,
      policyVersion,
      matched: outcome.matched,
      reasons,
      reviewId,
      latencyUs,
      shadow: shadowOutcome && active.shadow ? { version: active.shadow.version, decision: shadowOutcome.lane, policyId: shadowOutcome.policyId } : null,
    };
    await this.record(actor, entry, identity.detail);
    return { decision, decision_id: id, policy_id: policyId, policy_version: policyVersion, reasons, ...(reviewId ? { review_id: reviewId } : {}), evaluated_in_us: latencyUs };
  }

  async get(actor: Actor, id: string): Promise<DecisionRecordView> {
    await this.deps.access.require(actor, "audit:read", decisionOps.get.action);
    const entry = await this.entry(id);
    await this.audited(actor, decisionOps.get.action, id);
    return recordView(entry);
  }

  /** Re-evaluates a recorded decision against a version (default: the enforced one). */
  async replay(actor: Actor, id: string, policyVersionId?: string): Promise<ReplayView> {
    await this.deps.access.require(actor, "audit:read", decisionOps.replay.action);
    const entry = await this.entry(id);
    const version = policyVersionId ? await this.deps.policies.byId(policyVersionId) : (await this.deps.policies.active()).enforced;
    if (policyVersionId && !version) throw errors.notFound(`Policy version "${policyVersionId}"`, "policy_not_found");
    const request = evaluationRequestOf(entry);
    // Token and scope checks ran before the policy stage; their denies replay as they were.
    const preDeny = entry.policyVersion === null ? entry.reasons.find((r) => r === DENY_REASONS.tokenInvalid || r === DENY_REASONS.outsideTaskScope) : undefined;
    const policyStage = request !== null && preDeny === undefined;
    let after: Outcome;
    if (!policyStage) after = denied(preDeny ?? DENY_REASONS.tokenInvalid);
    else if (!version) after = denied(DENY_REASONS.noPolicyActive);
    else after = this.deps.engine.evaluate(version.id, version.source, request);
    await this.audited(actor, decisionOps.replay.action, id, { policy_id: version?.id ?? null, before: entry.lane, after: after.lane });
    return {
      decision_id: id,
      before: { decision: entry.lane, policy_id: entry.policyId, policy_version: entry.policyVersion, reasons: entry.reasons, matched: entry.matched },
      after: { decision: after.lane, policy_id: after.policyId, policy_version: policyStage ? (version?.version ?? null) : null, reasons: after.reasons, matched: after.matched },
      changed: after.lane !== entry.lane,
    };
  }

  private async identify(input: AuthorizeInput): Promise<Identity> {
    if (input.principal) {
      const { user, agent, workload } = input.principal;
      const sent = input.context ?? {};
      const scopes = Array.isArray(sent.scopes) ? sent.scopes.filter((s): s is string => typeof s === "string") : [];
      return {
        source: "principal",
        principal: {
          user: { ...user, roles: user.roles ?? [], groups: user.groups ?? [] },
          agent: { id: agent.id, name: agent.name ?? agent.id, trust_tier: agent.trust_tier ?? 0 },
          workload: workload ? { sub: workload.sub, issuer: workload.issuer ?? "", attested: workload.attested ?? false, network: workload.network ?? null } : null,
        },
        task: typeof sent.task === "string" ? sent.task : "",
        scopes,
        preDeny: null,
        detail: null,
      };
    }
    const verified = await this.deps.stsVerifier.verify(input.token ?? "");
    if (!verified.ok) return { source: "token", principal: null, task: "", scopes: null, preDeny: DENY_REASONS.tokenInvalid, detail: verified.reason };
    const { token } = verified;
    const principal: CompositePrincipal = {
      user: { ...token.user },
      agent: token.agent,
      workload: token.workload ? { ...token.workload, attested: true } : null,
    };
    const covered = token.scopes.some((s) => scopeCovers(s, input.action, `${input.resource.type}/${input.resource.id}`));
    return { source: "token", principal, task: token.task, scopes: token.scopes, preDeny: covered ? null : DENY_REASONS.outsideTaskScope, detail: covered ? null : `no scope covers ${input.action}` };
  }

  private async record(actor: Actor, entry: DecisionEntry, detail: string | null): Promise<void> {
    const subject = subjectOf(entry);
    this.deps.recorder.record({ lane: entry.decision, realm: "*", capability: entry.action, subject });
    const audit = this.deps.audit.append(decisionAuditEntry(actor, entry, detail));
    const events =
      entry.decision === "deny"
        ? this.deps.outbox.emit(actor, [{ type: "decision.denied", realm: null, data: { decision_id: entry.id, composite: subject, task: entry.task, action: entry.action, resource: `${entry.resource.type}/${entry.resource.id}`, policy_id: entry.policyId, reasons: entry.reasons } }])
        : Promise.resolve();
    await Promise.all([audit, events]);
  }

  private async entry(id: string): Promise<DecisionEntry> {
    const entry = await this.deps.decisionLog.byId(id);
    if (!entry) throw errors.notFound(`Decision "${id}"`, "decision_not_found");
    return entry;
  }

  private audited(actor: Actor, action: string, id: string, details: Record<string, unknown> = {}): Promise<void> {
    return this.deps.audit.append({ requestId: actor.requestId, actor: actor.principal.subject, action, outcome: "success", status: 200, ip: actor.ip, resource: `decision:${id}`, details });
  }
}

function denied(reason: string): Outcome {
  return { lane: "deny", policyId: null, matched: [], reasons: [reason], errors: [] };
}

/** The request context plus the server's own `task`, `scopes` and `network` (which win). */
function contextFor(sent: Record<string, unknown>, identity: Identity): Record<string, unknown> {
  const network = identity.principal?.workload?.network;
  return { ...sent, task: identity.task, scopes: identity.scopes ?? [], ...(network ? { network } : {}) };
}

/** A decision's audit record: its summary for the Audit page and searches, and the whole decision the decision log is derived from. */
export function decisionAuditEntry(actor: { requestId: string; ip: string | null; principal: { subject: string } }, entry: DecisionEntry, detail: string | null): AuditEntry {
  return {
    requestId: actor.requestId,
    actor: actor.principal.subject,
    action: decisionOps.authorize.action,
    outcome: "success",
    status: 200,
    ip: actor.ip,
    resource: `${entry.resource.type}/${entry.resource.id}`,
    capability: decisionOps.authorize.capability,
    reason: entry.decision === "deny" ? (entry.reasons[0] ?? null) : null,
    details: {
      decision_id: entry.id,
      decision: entry.decision,
      lane: entry.lane,
      policy_id: entry.policyId,
      policy_version: entry.policyVersion,
      matched: entry.matched,
      composite: subjectOf(entry),
      user: entry.principal?.user.id ?? null,
      agent: entry.principal?.agent.id ?? null,
      workload: entry.principal?.workload?.sub ?? null,
      task: entry.task,
      action: entry.action,
      review_id: entry.reviewId,
      evaluated_in_us: entry.latencyUs,
      ...(detail ? { detail } : {}),
      // The decision log's row is derived from this (store/decision-rows.ts).
      [DECISION_RECORD_KEY]: recordView(entry) satisfies RecordedDecision,
    },
  };
}

function subjectOf(entry: DecisionEntry): string {
  return entry.principal ? compositeId(entry.principal) : "composite/unverified";
}

function recordView(e: DecisionEntry): DecisionRecordView {
  return {
    id: e.id,
    time: e.time.toISOString(),
    request_id: e.requestId,
    caller: e.caller,
    source: e.source,
    decision: e.decision,
    lane: e.lane,
    policy_id: e.policyId,
    policy_version: e.policyVersion,
    matched: e.matched,
    reasons: e.reasons,
    review_id: e.reviewId,
    evaluated_in_us: e.latencyUs,
    principal: e.principal,
    task: e.task,
    scopes: e.scopes,
    action: e.action,
    resource: e.resource,
    context: e.context,
    shadow: e.shadow ? { version: e.shadow.version, decision: e.shadow.decision, policy_id: e.shadow.policyId } : null,
  };
}
