/**
 * Webhook endpoints and their deliveries: create (the signing secret is returned once),
 * list, read, update, delete, delivery history, test ping, redeliver, and the delivery
 * log the console shows live. Endpoints see events of every realm, so both capabilities
 * are required in every realm ("*").
 */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { KmsProvider } from "../crypto/kms";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { PING_EVENT, patternProblem } from "../events/types";
import { newId } from "../ids";
import type { AccessGuard } from "../rbac/access";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { signingKeyContext } from "./dispatcher";
import { urlProblem } from "./http-client";
import { formatSecret, generateSigningKey } from "./signing";
import { deliveryView, endpointView, logEntry, type DeliveryView, type EndpointView, type LogEntry } from "./views";

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string;
  enabled?: boolean;
}

export type DeliveryStateFilter = DeliveryView["state"];

export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
    private readonly kms: KmsProvider,
    private readonly outbox: Outbox,
    private readonly allowPrivateNetworks: boolean,
    private readonly onEndpointChanged: (id: string) => void = () => {},
  ) {}

  async list(actor: Actor): Promise<EndpointView[]> {
    await this.access.require(actor, "webhooks:read", "webhook.list");
    const rows = await this.db.webhookEndpoint.findMany({ orderBy: { createdAt: "asc" } });
    await auditSuccess(this.audit, actor, "webhook.list", { details: { count: rows.length } });
    return rows.map(endpointView);
  }

  async create(actor: Actor, input: EndpointInput): Promise<EndpointView & { secret: string }> {
    await this.access.require(actor, "webhooks:manage", "webhook.create");
    this.validate(input);
    const id = newId("whk");
    const key = generateSigningKey();
    const row = await this.db.webhookEndpoint.create({
      data: {
        id,
        url: input.url,
        description: input.description ?? "",
        events: JSON.stringify([...new Set(input.events)]),
        secretWrapped: await this.kms.wrap(key, signingKeyContext(id)),
        kekId: this.kms.keyId,
        enabled: input.enabled ?? true,
        createdBy: actor.principal.subject,
      },
    });
    await auditSuccess(this.audit, actor, "webhook.create", { resource: `webhook:${id}`, details: { url: input.url, events: input.events } });
    return { ...endpointView(row), secret: formatSecret(key) };
  }

  async get(actor: Actor, id: string): Promise<EndpointView> {
    await this.access.require(actor, "webhooks:read", "webhook.read");
    const row = await this.find(id);
    await auditSuccess(this.audit, actor, "webhook.read", { resource: `webhook:${id}` });
    return endpointView(row);
  }

  async update(actor: Actor, id: string, patch: Partial<EndpointInput>): Promise<EndpointView> {
    await this.access.require(actor, "webhooks:manage", "webhook.update");
    const existing = await this.find(id);
    this.validate({ url: patch.url ?? existing.url, events: patch.events ?? (JSON.parse(existing.events) as string[]) });
    const row = await this.db.webhookEndpoint.update({
      where: { id },
      data: {
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify([...new Set(patch.events)]) } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      },
    });
    this.onEndpointChanged(id);
    await auditSuccess(this.audit, actor, "webhook.update", { resource: `webhook:${id}`, details: { fields: Object.keys(patch) } });
    return endpointView(row);
  }

  /** Deletes the endpoint with its deliveries (owed ones are dropped). */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.access.require(actor, "webhooks:manage", "webhook.delete");
    const { count } = await this.db.webhookEndpoint.deleteMany({ where: { id } });
    if (count === 0) throw errors.notFound(`Webhook "${id}"`, "webhook_not_found");
    this.onEndpointChanged(id);
    await auditSuccess(this.audit, actor, "webhook.delete", { resource: `webhook:${id}` });
  }

  async deliveries(
    actor: Actor,
    id: string,
    opts: { limit: number; cursor?: string; state?: DeliveryStateFilter },
  ): Promise<{ items: DeliveryView[]; next_cursor: string | null }> {
    await this.access.require(actor, "webhooks:read", "webhook.deliveries");
    await this.find(id);
    const rows = await this.db.webhookDelivery.findMany({
      where: { endpointId: id, ...(opts.state ? { state: opts.state } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
      include: { attemptRows: true },
    });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.audit, actor, "webhook.deliveries", { resource: `webhook:${id}`, details: { count: page.length } });
    return { items: page.map(deliveryView), next_cursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
  }

  /** Queues a `ping` event for this endpoint alone; the dispatcher sends it at once. */
  async test(actor: Actor, id: string): Promise<DeliveryView> {
    await this.access.require(actor, "webhooks:manage", "webhook.test");
    await this.find(id);
    const eventId = newId("evt");
    const payload = JSON.stringify({
      event: PING_EVENT,
      timestamp: new Date().toISOString(),
      request_id: actor.requestId,
      realm: null,
      data: { webhook_id: id, actor: actor.principal.subject },
    });
    const row = await this.db.webhookDelivery.create({
      data: { id: newId("msg"), endpointId: id, eventId, event: PING_EVENT, payload, state: "pending", nextAttemptAt: new Date() },
      include: { attemptRows: true },
    });
    this.outbox.notify();
    await auditSuccess(this.audit, actor, "webhook.test", { resource: `webhook:${id}`, details: { delivery_id: row.id } });
    return deliveryView(row);
  }

  /** Sends a dead-lettered (or delivered) event again, with the same webhook-id and body. */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<DeliveryView> {
    await this.access.require(actor, "webhooks:manage", "webhook.redeliver");
    await this.find(id);
    const existing = await this.db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: id } });
    if (!existing) throw errors.notFound(`Delivery "${deliveryId}"`, "delivery_not_found");
    const { count } = await this.db.webhookDelivery.updateMany({
      where: { id: deliveryId, state: { in: ["dead", "delivered"] } },
      data: { state: "pending", nextAttemptAt: new Date() },
    });
    if (count === 0) throw errors.conflict("This delivery is still being attempted.", "delivery_pending");
    this.outbox.notify();
    await auditSuccess(this.audit, actor, "webhook.redeliver", { resource: `webhook:${id}`, details: { delivery_id: deliveryId } });
    const row = await this.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attemptRows: true } });
    return deliveryView(row);
  }

  /** Checks the caller may read the delivery log (once per console subscription). */
  async openLog(actor: Actor): Promise<void> {
    await this.access.require(actor, "webhooks:read", "webhook.log");
    await auditSuccess(this.audit, actor, "webhook.log");
  }

  /** Attempts, newest first; with `since`, only those started since then (live updates). */
  async log(actor: Actor, opts: { endpointId?: string; state?: DeliveryStateFilter; limit: number; since?: Date }): Promise<LogEntry[]> {
    await this.access.require(actor, "webhooks:read", "webhook.log");
    const rows = await this.db.webhookAttempt.findMany({
      where: {
        ...(opts.since ? { startedAt: { gte: opts.since } } : {}),
        delivery: { ...(opts.endpointId ? { endpointId: opts.endpointId } : {}), ...(opts.state ? { state: opts.state } : {}) },
      },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: opts.limit,
      include: { delivery: { include: { endpoint: true } } },
    });
    return rows.map(logEntry);
  }

  private validate(input: { url: string; events: string[] }): void {
    const problem = urlProblem(input.url, this.allowPrivateNetworks);
    if (problem) throw errors.invalid(`url ${problem}.`, [{ field: "url", message: problem }]);
    for (const pattern of input.events) {
      const why = patternProblem(pattern);
      if (why) throw errors.invalid(`events: ${why}.`, [{ field: "events", message: why }]);
    }
  }

  private async find(id: string) {
    const row = await this.db.webhookEndpoint.findUnique({ where: { id } });
    if (!row) throw errors.notFound(`Webhook "${id}"`, "webhook_not_found");
    return row;
  }
}
