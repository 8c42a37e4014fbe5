/**
 * Agents: registered software actors with a trust tier, allowed scopes and an `agt_`
 * credential (shown once, SHA-256 at rest). Disabling or deleting an agent ends its STS
 * tokens at once: the verifier asks `state()`, whose cache every change here clears.
 */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { constantTimeEqual, displayPrefix, generateToken, hashToken, hasValidChecksum } from "../crypto/token-format";
import { errors } from "../errors";
import { newId } from "../ids";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { InvalidationPublisher } from "../cluster/bus";
import { agentOps, type AgentList, type AgentListQuery, type AgentView, type AgentWithCredential, type CreateAgentInput, type UpdateAgentInput } from "./schemas";

type AgentRow = NonNullable<Awaited<ReturnType<Db["agent"]["findUnique"]>>>;

/** What token checks need to know about an agent. */
export interface AgentState {
  id: string;
  name: string;
  trustTier: number;
  allowedScopes: string[];
  disabled: boolean;
}

/** How long another process's change can stay unseen here; this process's own changes clear the cache at once. */
const STATE_CACHE_MS = 2_000;

export function toAgentView(row: AgentRow): AgentView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    trust_tier: row.trustTier,
    allowed_scopes: JSON.parse(row.allowedScopes) as string[],
    prefix: row.prefix,
    disabled: row.disabled,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    rotated_at: row.rotatedAt?.toISOString() ?? null,
    created_by: row.createdBy,
  };
}

function toState(row: AgentRow): AgentState {
  return { id: row.id, name: row.name, trustTier: row.trustTier, allowedScopes: JSON.parse(row.allowedScopes) as string[], disabled: row.disabled };
}

export class AgentService {
  private readonly states = new Map<string, { state: AgentState | null; at: number }>();

  constructor(private readonly deps: { db: Db; access: Pick<AccessGuard, "require">; audit: Pick<AuditWriter, "append">; bus: InvalidationPublisher }) {}

  async create(actor: Actor, input: CreateAgentInput): Promise<AgentWithCredential> {
    await this.deps.access.require(actor, agentOps.create.capability, agentOps.create.action);
    await this.requireFreeName(input.name);
    const credential = generateToken("agt_");
    const row = await this.deps.db.agent.create({
      data: {
        id: newId("agn"),
        name: input.name,
        description: input.description ?? "",
        trustTier: input.trust_tier,
        allowedScopes: JSON.stringify([...new Set(input.allowed_scopes)]),
        prefix: displayPrefix(credential),
        credentialHash: hashToken(credential),
        createdBy: actor.principal.subject,
      },
    });
    await auditSuccess(this.deps.audit, actor, agentOps.create.action, {
      resource: `agent:${row.id}`,
      details: { name: row.name, trust_tier: row.trustTier, allowed_scopes: input.allowed_scopes },
    });
    return { ...toAgentView(row), credential };
  }

  async list(actor: Actor, query: AgentListQuery): Promise<AgentList> {
    await this.deps.access.require(actor, agentOps.list.capability, agentOps.list.action);
    const rows = await this.deps.db.agent.findMany({
      orderBy: { id: "asc" },
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    });
    const page = rows.slice(0, query.limit);
    await auditSuccess(this.deps.audit, actor, agentOps.list.action, { details: { count: page.length } });
    return { items: page.map(toAgentView), next_cursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  }

  async get(actor: Actor, id: string): Promise<AgentView> {
    await this.deps.access.require(actor, agentOps.get.capability, agentOps.get.action);
    const row = await this.find(id);
    await auditSuccess(this.deps.audit, actor, agentOps.get.action, { resource: `agent:${id}` });
    return toAgentView(row);
  }

  async update(actor: Actor, id: string, patch: UpdateAgentInput): Promise<AgentView> {
    await this.deps.access.require(actor, agentOps.update.capability, agentOps.update.action);
    const existing = await this.find(id);
    if (patch.name !== undefined && patch.name !== existing.name) await this.requireFreeName(patch.name);
    const row = await this.deps.db.agent.update({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.trust_tier !== undefined ? { trustTier: patch.trust_tier } : {}),
        ...(patch.allowed_scopes !== undefined ? { allowedScopes: JSON.stringify([...new Set(patch.allowed_scopes)]) } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      },
    });
    this.states.delete(id);
    await this.deps.bus.publish({ kind: "agent", id });
    await auditSuccess(this.deps.audit, actor, agentOps.update.action, { resource: `agent:${id}`, details: { fields: Object.keys(patch), ...patch } });
    return toAgentView(row);
  }

  /** A new credential; the old one stops exchanging at once. Tokens already issued keep working. */
  async rotate(actor: Actor, id: string): Promise<AgentWithCredential> {
    await this.deps.access.require(actor, agentOps.rotate.capability, agentOps.rotate.action);
    await this.find(id);
    const credential = generateToken("agt_");
    const row = await this.deps.db.agent.update({
      where: { id },
      data: { credentialHash: hashToken(credential), prefix: displayPrefix(credential), rotatedAt: new Date() },
    });
    this.states.delete(id);
    await this.deps.bus.publish({ kind: "agent", id });
    await auditSuccess(this.deps.audit, actor, agentOps.rotate.action, { resource: `agent:${id}` });
    return { ...toAgentView(row), credential };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.deps.access.require(actor, agentOps.delete.capability, agentOps.delete.action);
    const existing = await this.find(id);
    await this.deps.db.agent.delete({ where: { id } });
    this.states.delete(id);
    await this.deps.bus.publish({ kind: "agent", id });
    await auditSuccess(this.deps.audit, actor, agentOps.delete.action, { resource: `agent:${id}`, details: { name: existing.name } });
  }

  /** The agent an `agt_` credential belongs to, or null (unknown, malformed, retired). Disabled agents are returned; callers refuse them. */
  async byCredential(value: string): Promise<AgentState | null> {
    if (!value.startsWith("agt_") || !hasValidChecksum(value)) return null;
    const hash = hashToken(value);
    const row = await this.deps.db.agent.findUnique({ where: { credentialHash: hash } });
    if (!row || !constantTimeEqual(row.credentialHash, hash)) return null;
    return toState(row);
  }

  /** The agent's current state (null once deleted), cached briefly; this service's own changes clear it. */
  async state(id: string): Promise<AgentState | null> {
    const hit = this.states.get(id);
    const now = Date.now();
    if (hit && now - hit.at < STATE_CACHE_MS) return hit.state;
    const row = await this.deps.db.agent.findUnique({ where: { id } });
    const state = row ? toState(row) : null;
    this.states.set(id, { state, at: now });
    if (this.states.size > 100_000) this.states.delete(this.states.keys().next().value as string);
    return state;
  }

  /** Drops one agent's cached state (another process changed it), or all of them. */
  forget(id?: string): void {
    if (id === undefined) this.states.clear();
    else this.states.delete(id);
  }

  private async find(id: string): Promise<AgentRow> {
    const row = await this.deps.db.agent.findUnique({ where: { id } });
    if (!row) throw errors.notFound(`Agent "${id}"`, "agent_not_found");
    return row;
  }

  private async requireFreeName(name: string): Promise<void> {
    const clash = await this.deps.db.agent.findUnique({ where: { name }, select: { id: true } });
    if (clash) throw errors.conflict(`An agent named "${name}" already exists.`, "agent_exists");
  }
}
