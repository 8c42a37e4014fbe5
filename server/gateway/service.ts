/**
 * Gateway routes: CRUD (capability admin, audited), the route lookup the proxy makes per
 * request (cached briefly: other processes sharing the store see a change within a
 * second), and the recent proxied requests the console shows (from the audit log).
 */
import type { AccessGuard } from "../access/guard";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { errors } from "../errors";
import type { Actor } from "../rbac/principal";
import { urlProblem } from "../webhooks/http-client";
import { resolvedBlock } from "../webhooks/ssrf";
import type { GatewayCredentials } from "./credentials";
import {
  credentialSource,
  gatewayOps as ops,
  type CreateGatewayRouteInput,
  type GatewayRequestsQuery,
  type GatewayRequestView,
  type GatewayRouteView,
  type UpdateGatewayRouteInput,
} from "./schemas";
import { routeView, type GatewayRoute, type GatewayStore } from "./store";

const ROUTE_CACHE_MS = 1_000;

export class GatewayService {
  private readonly cache = new Map<string, { route: GatewayRoute | null; until: number }>();

  constructor(
    private readonly deps: {
      store: GatewayStore;
      access: Pick<AccessGuard, "require">;
      audit: Pick<AuditWriter, "append">;
      credentials: Pick<GatewayCredentials, "forget">;
      allowPrivateNetworks: boolean;
      /** The actor the gateway's own lease operations run as. */
      gatewayActor: () => Actor;
    },
  ) {}

  async create(actor: Actor, input: CreateGatewayRouteInput): Promise<GatewayRouteView> {
    await this.deps.access.require(actor, ops.create.capability, ops.create.action);
    await this.requireReachable(input.upstream);
    if (await this.deps.store.find(input.name)) throw errors.conflict(`A gateway route named "${input.name}" already exists.`, "gateway_route_exists");
    const route = await this.deps.store.create({ ...input, upstream: normalizeUpstream(input.upstream) });
    this.cache.delete(route.name);
    await auditSuccess(this.deps.audit, actor, ops.create.action, { resource: `gateway_route:${route.name}`, details: summary(route) });
    return routeView(route);
  }

  async list(actor: Actor): Promise<{ items: GatewayRouteView[] }> {
    await this.deps.access.require(actor, ops.list.capability, ops.list.action);
    const routes = await this.deps.store.list();
    await auditSuccess(this.deps.audit, actor, ops.list.action, { details: { count: routes.length } });
    return { items: routes.map(routeView) };
  }

  async get(actor: Actor, name: string): Promise<GatewayRouteView> {
    await this.deps.access.require(actor, ops.get.capability, ops.get.action);
    const route = await this.find(name);
    await auditSuccess(this.deps.audit, actor, ops.get.action, { resource: `gateway_route:${name}` });
    return routeView(route);
  }

  async update(actor: Actor, name: string, patch: UpdateGatewayRouteInput): Promise<GatewayRouteView> {
    await this.deps.access.require(actor, ops.update.capability, ops.update.action);
    const current = await this.find(name);
    if (patch.upstream !== undefined) await this.requireReachable(patch.upstream);
    const next: GatewayRoute = {
      ...current,
      ...(patch.upstream !== undefined ? { upstream: normalizeUpstream(patch.upstream) } : {}),
      ...(patch.action !== undefined ? { action: patch.action } : {}),
      ...(patch.resource !== undefined ? { resource: patch.resource } : {}),
      ...(patch.inject !== undefined ? { inject: patch.inject } : {}),
      ...(patch.timeout_ms !== undefined ? { timeoutMs: patch.timeout_ms } : {}),
      ...(patch.max_body_bytes !== undefined ? { maxBodyBytes: patch.max_body_bytes } : {}),
    };
    const saved = await this.deps.store.replace(next);
    this.cache.delete(name);
    if (patch.inject !== undefined) await this.deps.credentials.forget(this.deps.gatewayActor(), name);
    await auditSuccess(this.deps.audit, actor, ops.update.action, { resource: `gateway_route:${name}`, details: { fields: Object.keys(patch), ...summary(saved) } });
    return routeView(saved);
  }

  async delete(actor: Actor, name: string): Promise<void> {
    await this.deps.access.require(actor, ops.delete.capability, ops.delete.action);
    if (!(await this.deps.store.delete(name))) throw errors.notFound(`Gateway route "${name}"`, "gateway_route_not_found");
    this.cache.delete(name);
    await this.deps.credentials.forget(this.deps.gatewayActor(), name);
    await auditSuccess(this.deps.audit, actor, ops.delete.action, { resource: `gateway_route:${name}` });
  }

  /** The newest proxied requests with their decision and upstream status. */
  async requests(actor: Actor, query: GatewayRequestsQuery): Promise<{ items: GatewayRequestView[] }> {
    await this.deps.access.require(actor, ops.requests.capability, ops.requests.action);
    const records = await this.deps.store.recentRequests(query.limit, query.route);
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    const num = (v: unknown) => (typeof v === "number" ? v : null);
    return {
      items: records.map((r) => ({
        time: r.time.toISOString(),
        request_id: r.requestId,
        route: str(r.details.route),
        method: str(r.details.method),
        path: str(r.details.path),
        agent: str(r.details.agent),
        decision: str(r.details.decision),
        decision_id: str(r.details.decision_id),
        status: r.status,
        upstream_status: num(r.details.upstream_status),
        latency_ms: num(r.details.latency_ms),
      })),
    };
  }

  /** For the proxy: the route by name, or null. */
  async route(name: string): Promise<GatewayRoute | null> {
    const now = Date.now();
    const hit = this.cache.get(name);
    if (hit && hit.until > now) return hit.route;
    const route = await this.deps.store.find(name);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(name, { route, until: now + ROUTE_CACHE_MS });
    return route;
  }

  private async requireReachable(upstream: string): Promise<void> {
    const allow = this.deps.allowPrivateNetworks;
    const hint = allow ? "" : " (set [gateway] allow_private_networks = true for internal upstreams)";
    const problem = urlProblem(upstream, allow) ?? shapeProblem(upstream);
    if (problem) throw errors.invalid(`upstream ${problem}${hint}.`, [{ field: "upstream", message: problem }], "upstream_refused");
    if (allow) return;
    const blocked = await resolvedBlock(new URL(upstream).hostname);
    if (blocked) {
      const message = `resolves to a ${blocked.reason} address`;
      throw errors.invalid(`upstream ${message}${hint}.`, [{ field: "upstream", message }], "upstream_refused");
    }
  }

  private async find(name: string): Promise<GatewayRoute> {
    const route = await this.deps.store.find(name);
    if (!route) throw errors.notFound(`Gateway route "${name}"`, "gateway_route_not_found");
    return route;
  }
}

function shapeProblem(upstream: string): string | null {
  const url = new URL(upstream);
  if (url.search || url.hash || upstream.includes("?") || upstream.includes("#")) return "must not contain a query or a fragment";
  return null;
}

/** No trailing slash, so `<upstream>/<path>` joins with exactly one. */
function normalizeUpstream(upstream: string): string {
  return upstream.replace(/\/+$/, "");
}

function summary(route: GatewayRoute): Record<string, unknown> {
  return { upstream: route.upstream, action: route.action, credential_source: credentialSource(route.inject) };
}
