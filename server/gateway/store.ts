/** Gateway routes in the store, and the audit records of proxied requests (read back for the console). */
import type { Db } from "../store/client";
import { credentialSource, gatewayOps, type CreateGatewayRouteInput, type GatewayRouteView, type InjectSpec } from "./schemas";

/** A route as the proxy uses it. */
export interface GatewayRoute {
  name: string;
  upstream: string;
  action: string;
  resource: { type: string; id: string };
  inject: InjectSpec;
  timeoutMs: number;
  maxBodyBytes: number;
  createdAt: Date;
  updatedAt: Date;
}

type Row = NonNullable<Awaited<ReturnType<Db["gatewayRoute"]["findUnique"]>>>;

function fromRow(row: Row): GatewayRoute {
  return {
    name: row.name,
    upstream: row.upstream,
    action: row.action,
    resource: { type: row.resourceType, id: row.resourceId },
    inject: JSON.parse(row.inject) as InjectSpec,
    timeoutMs: row.timeoutMs,
    maxBodyBytes: row.maxBodyBytes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function routeView(r: GatewayRoute): GatewayRouteView {
  return {
    name: r.name,
    upstream: r.upstream,
    action: r.action,
    resource: r.resource,
    inject: r.inject,
    credential_source: credentialSource(r.inject),
    timeout_ms: r.timeoutMs,
    max_body_bytes: r.maxBodyBytes,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export interface ProxiedRecord {
  time: Date;
  requestId: string;
  status: number;
  details: Record<string, unknown>;
}

export class GatewayStore {
  constructor(private readonly db: Db) {}

  async find(name: string): Promise<GatewayRoute | null> {
    const row = await this.db.gatewayRoute.findUnique({ where: { name } });
    return row ? fromRow(row) : null;
  }

  async list(): Promise<GatewayRoute[]> {
    return (await this.db.gatewayRoute.findMany({ orderBy: { name: "asc" } })).map(fromRow);
  }

  async create(input: CreateGatewayRouteInput): Promise<GatewayRoute> {
    const row = await this.db.gatewayRoute.create({
      data: {
        name: input.name,
        upstream: input.upstream,
        action: input.action,
        resourceType: input.resource.type,
        resourceId: input.resource.id,
        inject: JSON.stringify(input.inject),
        timeoutMs: input.timeout_ms,
        maxBodyBytes: input.max_body_bytes,
      },
    });
    return fromRow(row);
  }

  async replace(route: GatewayRoute): Promise<GatewayRoute> {
    const row = await this.db.gatewayRoute.update({
      where: { name: route.name },
      data: {
        upstream: route.upstream,
        action: route.action,
        resourceType: route.resource.type,
        resourceId: route.resource.id,
        inject: JSON.stringify(route.inject),
        timeoutMs: route.timeoutMs,
        maxBodyBytes: route.maxBodyBytes,
      },
    });
    return fromRow(row);
  }

  async delete(name: string): Promise<boolean> {
    const { count } = await this.db.gatewayRoute.deleteMany({ where: { name } });
    return count > 0;
  }

  /** The newest proxied-request audit records (optionally of one route). */
  async recentRequests(limit: number, route?: string): Promise<ProxiedRecord[]> {
    const rows = await this.db.auditRecord.findMany({
      where: { action: gatewayOps.proxy.action, ...(route ? { resource: `gateway_route:${route}` } : {}) },
      orderBy: { seq: "desc" },
      take: limit,
      select: { time: true, requestId: true, status: true, details: true },
    });
    return rows.map((r) => ({ time: r.time, requestId: r.requestId, status: r.status, details: JSON.parse(r.details) as Record<string, unknown> }));
  }
}
