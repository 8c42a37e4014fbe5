/** Prometheus metrics served at /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "arcan_http_requests_total",
      help: "REST requests by route, method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "arcan_http_request_duration_seconds",
      help: "REST request latency by route and method.",
      labelNames: ["route", "method"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    tokenCache: new Counter({
      name: "arcan_token_cache_total",
      help: "Token cache lookups by result (hit or miss).",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    decisions: new Counter({
      name: "arcan_decisions_total",
      help: "Policy guardian decisions by lane (allow, review, deny).",
      labelNames: ["lane"] as const,
      registers: [registry],
    }),
    gatewayRequests: new Counter({
      name: "arcan_gateway_requests_total",
      help: "Gateway requests that were decided, by route, decision and upstream status (none: the upstream was not contacted or did not answer).",
      labelNames: ["route", "decision", "upstream_status"] as const,
      registers: [registry],
    }),
    gatewayDuration: new Histogram({
      name: "arcan_gateway_request_duration_seconds",
      help: "Gateway request latency (verification, decision and the upstream's whole answer) by route and decision.",
      labelNames: ["route", "decision"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    auditQueueDepth: new Gauge({
      name: "arcan_audit_queue_depth",
      help: "Audit records waiting to be committed.",
      registers: [registry],
    }),
    leasesRevokeFailed: new Gauge({
      name: "arcan_leases_revoke_failed",
      help: "Leases whose revocation failed six times and wait for an operator (retry or forget).",
      registers: [registry],
    }),
    leaseReaperLag: new Histogram({
      name: "arcan_lease_reaper_lag_seconds",
      help: "Time from a lease's expires_at to its revocation by the reaper.",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    rateLimitInsurance: new Gauge({
      name: "arcan_rate_limit_insurance_active",
      help: "1 while Redis is unreachable and rate limits are counted by this process alone (the in-memory insurance limiter).",
      registers: [registry],
    }),
    rateLimitInsuranceDecisions: new Counter({
      name: "arcan_rate_limit_insurance_decisions_total",
      help: "Rate-limit decisions made by the in-memory insurance limiter because Redis was unreachable.",
      registers: [registry],
    }),
    busState: new Gauge({
      name: "arcan_invalidation_bus_up",
      help: "1 while the invalidation bus is connected, 0 while it is degraded (caches bypassed).",
      registers: [registry],
    }),
    busInvalidations: new Counter({
      name: "arcan_invalidations_applied_total",
      help: "Invalidations received from other processes and applied, by kind (all: every cache after a bus outage).",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
