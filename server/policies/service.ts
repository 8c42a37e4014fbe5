/**
 * Cedar policy versions: numbered, immutable drafts; validation against the published
 * schema; simulation by replaying the decision log; activation (enforce or shadow) and
 * the shadow's disagreements. Every change is audited and emitted as a `policy.*` event.
 */
import { MAX_INT32 } from "../contract";
import type { InvalidationPublisher } from "../cluster/bus";
import type { AuditWriter } from "../audit/writer";
import { evaluationRequestOf, type DecisionLog } from "../decisions/log";
import { AppError, errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { PUBLISHED_CEDAR_SCHEMA } from "./cedar-schema";
import type { PolicyDirectory } from "./directory";
import { parsePolicyDocument, validatePolicyDocument, type PolicyEngine } from "./engine";
import { ACTIVATION_MODES, DEFAULT_SIMULATION_LIMIT, policyOps, type CreatePolicyInput, type PolicyVersionView, type ShadowReportView, type SimulateInput, type SimulationView, type ValidationView } from "./schemas";

type Row = NonNullable<Awaited<ReturnType<Db["policyVersion"]["findUnique"]>>>;
type Mode = (typeof ACTIVATION_MODES)[number];

const MAX_EXAMPLES = 20;

export class PolicyService {
  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessGuard, "require">;
      audit: Pick<AuditWriter, "append">;
      outbox: Pick<Outbox, "transaction">;
      engine: PolicyEngine;
      directory: Pick<PolicyDirectory, "forget">;
      decisionLog: Pick<DecisionLog, "recent" | "shadowed">;
      bus: InvalidationPublisher;
    },
  ) {}

  async list(actor: Actor, opts: { limit: number; cursor?: string }): Promise<{ items: PolicyVersionView[]; next_cursor: string | null }> {
    await this.deps.access.require(actor, "policies:read", policyOps.list.action);
    const after = opts.cursor ? Number(opts.cursor) : undefined;
    if (after !== undefined && !(Number.isInteger(after) && after >= 1 && after <= MAX_INT32)) throw errors.invalid("cursor is not valid.", [{ field: "cursor", message: "not a cursor from this list" }]);
    const rows = await this.deps.db.policyVersion.findMany({ where: after !== undefined ? { version: { lt: after } } : {}, orderBy: { version: "desc" }, take: opts.limit + 1 });
    const page = rows.slice(0, opts.limit);
    await this.audited(actor, policyOps.list.action, null);
    return { items: page.map(view), next_cursor: rows.length > opts.limit ? String(page[page.length - 1]!.version) : null };
  }

  async get(actor: Actor, id: string): Promise<PolicyVersionView> {
    await this.deps.access.require(actor, "policies:read", policyOps.get.action);
    const row = await this.row(id);
    await this.audited(actor, policyOps.get.action, id);
    return view(row);
  }

  async schema(actor: Actor): Promise<{ format: "cedar"; schema: string }> {
    await this.deps.access.require(actor, "policies:read", policyOps.schema.action);
    return { format: "cedar", schema: PUBLISHED_CEDAR_SCHEMA };
  }

  /** A new draft. Syntax errors are refused here; type errors are for validate. */
  async create(actor: Actor, input: CreatePolicyInput): Promise<PolicyVersionView> {
    await this.deps.access.require(actor, "policies:write", policyOps.create.action);
    const parsed = parsePolicyDocument(input.source);
    if (!parsed.ok) {
      throw errors.invalid("The policy document does not parse as Cedar.", parsed.issues.map((i) => ({ field: "source", message: i.message })), "policy_parse_error");
    }
    const row = await this.withNextVersion((version) =>
      this.deps.outbox.transaction(actor, async (tx, emit) => {
        const created = await tx.policyVersion.create({
          data: { id: newId("pol"), version, source: input.source, description: input.description ?? "", createdBy: actor.principal.subject },
        });
        emit("policy.created", { data: { policy_id: created.id, version: created.version } });
        return created;
      }),
    );
    await this.audited(actor, policyOps.create.action, row.id, { version: row.version, rules: parsed.rules.length });
    return view(row);
  }

  async validate(actor: Actor, id: string): Promise<ValidationView> {
    await this.deps.access.require(actor, "policies:read", policyOps.validate.action);
    const row = await this.row(id);
    const result = validatePolicyDocument(row.source);
    await this.audited(actor, policyOps.validate.action, id, { valid: result.valid, errors: result.errors.length });
    return result;
  }

  /** The console editor's validate-as-you-type: no version is created. */
  async validateSource(actor: Actor, source: string): Promise<ValidationView> {
    await this.deps.access.require(actor, "policies:read", policyOps.validate.action);
    return validatePolicyDocument(source);
  }

  /** Replays recorded decisions against a version; compares the policy outcome (lane). */
  async simulate(actor: Actor, id: string, input: SimulateInput): Promise<SimulationView> {
    await this.deps.access.require(actor, "policies:write", policyOps.simulate.action);
    const row = await this.row(id);
    const recorded = await this.deps.decisionLog.recent({
      limit: input.limit ?? DEFAULT_SIMULATION_LIMIT,
      evaluatedOnly: true,
      ...(input.from ? { from: new Date(input.from) } : {}),
      ...(input.to ? { to: new Date(input.to) } : {}),
    });
    const deltas: Record<string, number> = {};
    const examples: SimulationView["examples"] = [];
    let replayed = 0;
    for (const entry of recorded) {
      const request = evaluationRequestOf(entry);
      if (!request) continue;
      replayed++;
      const after = this.deps.engine.evaluate(row.id, row.source, request);
      if (after.lane === entry.lane) continue;
      const key = `${entry.lane}->${after.lane}`;
      deltas[key] = (deltas[key] ?? 0) + 1;
      if (examples.length < MAX_EXAMPLES) {
        examples.push({ decision_id: entry.id, before: entry.lane, after: after.lane, policy_id_before: entry.policyId, policy_id_after: after.policyId, action: entry.action, resource: `${entry.resource.type}/${entry.resource.id}` });
      }
    }
    const changed = Object.values(deltas).reduce((a, b) => a + b, 0);
    await this.audited(actor, policyOps.simulate.action, id, { replayed, changed });
    return { policy_id: row.id, version: row.version, replayed, changed, deltas, examples };
  }

  /** enforce: becomes the one enforced version (the previous one is retired); shadow: evaluated beside it. */
  async activate(actor: Actor, id: string, mode: Mode): Promise<PolicyVersionView> {
    await this.deps.access.require(actor, "policies:write", policyOps.activate.action);
    const row = await this.row(id);
    const validation = validatePolicyDocument(row.source);
    if (!validation.valid) {
      throw errors.invalid(
        `Version ${row.version} does not validate; fix it in a new version first.`,
        validation.errors.map((e) => ({ field: e.policy_id ?? "source", message: e.message })),
        "policy_invalid",
      );
    }
    const state = mode === "enforce" ? "enforced" : "shadow";
    const updated = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      await tx.policyVersion.updateMany({ where: { state, id: { not: row.id } }, data: { state: "retired" } });
      const changed = await tx.policyVersion.update({ where: { id: row.id }, data: { state, activatedAt: new Date() } });
      emit("policy.activated", { data: { policy_id: row.id, version: row.version, mode } });
      return changed;
    });
    this.deps.directory.forget();
    await this.deps.bus.publish({ kind: "policy" });
    await this.audited(actor, policyOps.activate.action, id, { version: row.version, mode });
    return view(updated);
  }

  async shadow(actor: Actor, id: string, limit: number): Promise<ShadowReportView> {
    await this.deps.access.require(actor, "policies:read", policyOps.shadow.action);
    const row = await this.row(id);
    const report = await this.deps.decisionLog.shadowed(row.version, limit);
    const deltas: Record<string, number> = {};
    for (const d of report.disagreements) {
      const key = `${d.lane}->${d.shadow?.decision ?? "deny"}`;
      deltas[key] = (deltas[key] ?? 0) + 1;
    }
    await this.audited(actor, policyOps.shadow.action, id);
    return {
      policy_id: row.id,
      version: row.version,
      state: row.state as PolicyVersionView["state"],
      evaluated: report.evaluated,
      disagreements: report.disagreementCount,
      deltas,
      items: report.disagreements.map((d) => ({
        decision_id: d.id,
        time: d.time.toISOString(),
        action: d.action,
        resource: `${d.resource.type}/${d.resource.id}`,
        enforced: d.lane,
        shadow: d.shadow?.decision ?? "deny",
        policy_id_enforced: d.policyId,
        policy_id_shadow: d.shadow?.policyId ?? null,
      })),
    };
  }

  private async row(id: string): Promise<Row> {
    const row = await this.deps.db.policyVersion.findUnique({ where: { id } });
    if (!row) throw errors.notFound(`Policy version "${id}"`, "policy_not_found");
    return row;
  }

  /** Numbers are unique; two concurrent creates race for the next one and the loser retries. */
  private async withNextVersion(create: (version: number) => Promise<Row>): Promise<Row> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const last = await this.deps.db.policyVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
      try {
        return await create((last?.version ?? 0) + 1);
      } catch (err) {
        if ((err as { code?: unknown }).code !== "P2002") throw err;
      }
    }
    throw new AppError("conflict", "Too many policy versions were created at the same time; try again.", { code: "write_conflict" });
  }

  private audited(actor: Actor, action: string, id: string | null, details: Record<string, unknown> = {}): Promise<void> {
    if (actor.navigation) return Promise.resolve();
    return this.deps.audit.append({ requestId: actor.requestId, actor: actor.principal.subject, action, outcome: "success", status: 200, ip: actor.ip, resource: id ? `policy:${id}` : null, details });
  }
}

function view(row: Row): PolicyVersionView {
  const parsed = parsePolicyDocument(row.source);
  return {
    id: row.id,
    version: row.version,
    state: row.state as PolicyVersionView["state"],
    description: row.description,
    source: row.source,
    rules: parsed.ok ? parsed.rules.map((r) => ({ id: r.id, effect: r.effect, lane: r.lane, reason: r.reason })) : [],
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    activated_at: row.activatedAt?.toISOString() ?? null,
  };
}
