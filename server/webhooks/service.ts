/**
 * Webhook endpoints and their deliveries: create (the signing secret is returned once),
 * list, read, update, delete, delivery history, test ping, redeliver, and the delivery
 * log the console shows live. Endpoints see events of every realm, so both capabilities
 * are required in every realm ("*").
 */
import type { EventEmitter } from "node:events";
import type { AccessGuard } from "../access/guard";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { KmsProvider } from "../crypto/kms";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { PING_EVENT, patternProblem } from "../events/types";
import { newId } from "../ids";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { signingKeyContext } from "./dispatcher";
import { urlProblem } from "./http-client";
import { webhookOps as ops, type DeliveryStateFilter, type DeliveryView, type EndpointInput, type EndpointPatch, type EndpointView, type LogEntry } from "./schemas";
import { formatSecret, generateSigningKey } from "./signing";
import { resolvedBlock } from "./ssrf";
import { deliveryView, endpointView, logEntry } from "./views";

export type { DeliveryStateFilter, EndpointInput } from "./schemas";

const PRIVATE_NETWORKS_HINT = "set [webhooks] allow_private_networks = true to allow http and loopback, private or metadata addresses";

export interface WebhookServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "require">;
  audit: Pick<AuditWriter, "append">;
  kms: Pick<KmsProvider, "wrap" | "keyId">;
  outbox: Pick<Outbox, "notify">;
  allowPrivateNetworks: boolean;
  /** The dispatcher's "attempt" announcements (the live delivery log). */
  attempts: Pick<EventEmitter, "on" | "off">;
  /** The dispatcher forgets a cached signing key. */
  onEndpointChanged?: (id: string) => void;
}

export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  async list(actor: Actor): Promise<EndpointView[]> {
    await this.deps.access.require(actor, ops.list.capability, ops.list.action);
    const rows = await this.deps.db.webhookEndpoint.findMany({ orderBy: { createdAt: "asc" } });
    await auditSuccess(this.deps.audit, actor, ops.list.action, { details: { count: rows.length } });
    return rows.map(endpointView);
  }

  async create(actor: Actor, input: EndpointInput): Promise<EndpointView & { secret: string }> {
    await this.deps.access.require(actor, ops.create.capability, ops.create.action);
    await this.validate(input);
    const id = newId("whk");
    const key = generateSigningKey();
    const row = await this.deps.db.webhookEndpoint.create({
      data: {
        id,
        url: input.url,
        description: input.description ?? "",
        events: JSON.stringify([...new Set(input.events)]),
        secretWrapped: await this.deps.kms.wrap(key, signingKeyContext(id)),
        kekId: this.deps.kms.keyId,
        enabled: input.enabled ?? true,
        createdBy: actor.principal.subject,
      },
    });
    await auditSuccess(this.deps.audit, actor, ops.create.action, { resource: `webhook:${id}`, details: { url: input.url, events: input.events } });
    return { ...endpointView(row), secret: formatSecret(key) };
  }

  async get(actor: Actor, id: string): Promise<EndpointView> {
    await this.deps.access.require(actor, ops.get.capability, ops.get.action);
    const row = await this.find(id);
    await auditSuccess(this.deps.audit, actor, ops.get.action, { resource: `webhook:${id}` });
    return endpointView(row);
  }

  async update(actor: Actor, id: string, patch: EndpointPatch): Promise<EndpointView> {
    await this.deps.access.require(actor, ops.update.capability, ops.update.action);
    const existing = await this.find(id);
    await this.validate({ url: patch.url ?? existing.url, events: patch.events ?? (JSON.parse(existing.events) as string[]) });
    const row = await this.deps.db.webhookEndpoint.update({
      where: { id },
      data: {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify([...new Set(patch.events)]) } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      },
    });
    this.deps.onEndpointChanged?.(id);
    await auditSuccess(this.deps.audit, actor, ops.update.action, { resource: `webhook:${id}`, details: { fields: Object.keys(patch) } });
    return endpointView(row);
  }

  /** Deletes the endpoint with its deliveries (owed ones are dropped). */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.deps.access.require(actor, ops.delete.capability, ops.delete.action);
    const { count } = await this.deps.db.webhookEndpoint.deleteMany({ where: { id } });
    if (count === 0) throw errors.notFound(`Webhook "${id}"`, "webhook_not_found");
    this.deps.onEndpointChanged?.(id);
    await auditSuccess(this.deps.audit, actor, ops.delete.action, { resource: `webhook:${id}` });
  }

  async deliveries(
    actor: Actor,
    id: string,
    opts: { limit: number; cursor?: string; state?: DeliveryStateFilter },
  ): Promise<{ items: DeliveryView[]; next_cursor: string | null }> {
    await this.deps.access.require(actor, ops.deliveries.capability, ops.deliveries.action);
    await this.find(id);
    const rows = await this.deps.db.webhookDelivery.findMany({
      where: { endpointId: id, ...(opts.state ? { state: opts.state } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
      include: { attemptRows: true },
    });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.deps.audit, actor, ops.deliveries.action, { resource: `webhook:${id}`, details: { count: page.length } });
    return { items: page.map(deliveryView), next_cursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
  }

  /** Queues a `ping` event for this endpoint alone; the dispatcher sends it at once. */
  async test(actor: Actor, id: string): Promise<DeliveryView> {
    await this.deps.access.require(actor, ops.test.capability, ops.test.action);
    await this.find(id);
    const eventId = newId("evt");
    const payload = JSON.stringify({
      event: PING_EVENT,
      timestamp: new Date().toISOString(),
      request_id: actor.requestId,
      realm: null,
      data: { webhook_id: id, actor: actor.principal.subject },
    });
    const row = await this.deps.db.webhookDelivery.create({
      data: { id: newId("msg"), endpointId: id, eventId, event: PING_EVENT, payload, state: "pending", nextAttemptAt: new Date() },
      include: { attemptRows: true },
    });
    this.deps.outbox.notify();
    await auditSuccess(this.deps.audit, actor, ops.test.action, { resource: `webhook:${id}`, details: { delivery_id: row.id } });
    return deliveryView(row);
  }

  /** Sends a dead-lettered (or delivered) event again, with the same webhook-id and body. */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<DeliveryView> {
    await this.deps.access.require(actor, ops.redeliver.capability, ops.redeliver.action);
    await this.find(id);
    const existing = await this.deps.db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: id } });
    if (!existing) throw errors.notFound(`Delivery "${deliveryId}"`, "delivery_not_found");
    const { count } = await this.deps.db.webhookDelivery.updateMany({
      where: { id: deliveryId, state: { in: ["dead", "delivered"] } },
      data: { state: "pending", nextAttemptAt: new Date() },
    });
    if (count === 0) throw errors.conflict("This delivery is still being attempted.", "delivery_pending");
    this.deps.outbox.notify();
    await auditSuccess(this.deps.audit, actor, ops.redeliver.action, { resource: `webhook:${id}`, details: { delivery_id: deliveryId } });
    const row = await this.deps.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attemptRows: true } });
    return deliveryView(row);
  }

  /** Calls `listener` after each attempt this process records; returns the unsubscribe. */
  onAttempt(listener: () => void): () => void {
    this.deps.attempts.on("attempt", listener);
    return () => void this.deps.attempts.off("attempt", listener);
  }

  /** Checks the caller may read the delivery log (once per console subscription). */
  async openLog(actor: Actor): Promise<void> {
    await this.deps.access.require(actor, ops.log.capability, ops.log.action);
    await auditSuccess(this.deps.audit, actor, ops.log.action);
  }

  /** Attempts, newest first; with `since`, only those started since then (live updates); with `before`, only those older than that attempt (paging). */
  async log(actor: Actor, opts: { endpointId?: string; state?: DeliveryStateFilter; limit: number; since?: Date; before?: string }): Promise<LogEntry[]> {
    await this.deps.access.require(actor, ops.log.capability, ops.log.action);
    const cursor = opts.before ? await this.deps.db.webhookAttempt.findUnique({ where: { id: opts.before }, select: { id: true, startedAt: true } }) : null;
    if (opts.before && !cursor) return [];
    const rows = await this.deps.db.webhookAttempt.findMany({
      where: {
        ...(opts.since ? { startedAt: { gte: opts.since } } : {}),
        // The same order as below (startedAt, then id, descending), continued after the cursor.
        ...(cursor ? { OR: [{ startedAt: { lt: cursor.startedAt } }, { startedAt: cursor.startedAt, id: { lt: cursor.id } }] } : {}),
        delivery: { ...(opts.endpointId ? { endpointId: opts.endpointId } : {}), ...(opts.state ? { state: opts.state } : {}) },
      },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: opts.limit,
      include: { delivery: { include: { endpoint: true } } },
    });
    return rows.map(logEntry);
  }

  /** The URL rules the dispatcher applies on every attempt, checked here too so a bad URL is refused at once. */
  private async validate(input: { url: string; events: string[] }): Promise<void> {
    const problem = urlProblem(input.url, this.deps.allowPrivateNetworks);
    if (problem) {
      const hint = !this.deps.allowPrivateNetworks && /https|points to/.test(problem) ? `; ${PRIVATE_NETWORKS_HINT}` : "";
      throw errors.invalid(`url ${problem}${hint}.`, [{ field: "url", message: problem }]);
    }
    if (!this.deps.allowPrivateNetworks) {
      const host = new URL(input.url).hostname;
      const blocked = await resolvedBlock(host);
      if (blocked) {
        const why = `${host} resolves to ${blocked.address} (${blocked.reason})`;
        throw errors.invalid(`url: ${why}; ${PRIVATE_NETWORKS_HINT}.`, [{ field: "url", message: why }]);
      }
    }
    for (const pattern of input.events) {
      const why = patternProblem(pattern);
      if (why) throw errors.invalid(`events: ${why}.`, [{ field: "events", message: why }]);
    }
  }

  private async find(id: string) {
    const row = await this.deps.db.webhookEndpoint.findUnique({ where: { id } });
    if (!row) throw errors.notFound(`Webhook "${id}"`, "webhook_not_found");
    return row;
  }
}
