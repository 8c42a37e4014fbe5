/** Public operational endpoints: health, readiness, metrics, JWKS. */
import { z } from "zod";
import { publicRoute } from "../route";

const readyChecks = z.object({
  store: z.boolean(),
  key: z.boolean(),
  kms: z.boolean(),
  bus: z.enum(["ok", "degraded"]),
  bus_transport: z.enum(["redis", "postgres", "local"]),
  redis: z.enum(["ok", "down", "not_configured"]),
});

export const systemRoutes = [
  publicRoute({
    method: "GET",
    path: "/health",
    operationId: "health",
    summary: "Liveness: the process answers",
    tag: "system",
    response: z.object({ status: z.literal("ok") }),
    handle: async () => ({ status: "ok" as const }),
  }),
  publicRoute({
    method: "GET",
    path: "/ready",
    operationId: "ready",
    summary: "Readiness: the store and the key-encryption key are usable (503 otherwise); the invalidation bus and Redis are reported",
    tag: "system",
    response: z.object({ status: z.enum(["ready", "not_ready"]), checks: readyChecks }).meta({ id: "Readiness" }),
    responses: {
      "503": { description: "Not ready", schema: z.object({ status: z.literal("not_ready"), checks: readyChecks }) },
    },
    handle: async ({ services }) => {
      const checks = await services.ready();
      const ok = checks.store && checks.key;
      const body = JSON.stringify({ status: ok ? "ready" : "not_ready", checks });
      return { raw: true, status: ok ? 200 : 503, contentType: "application/json", body };
    },
  }),
  publicRoute({
    method: "GET",
    path: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    tag: "system",
    response: null,
    responses: { "200": { description: "Prometheus text exposition format", contentType: "text/plain; version=0.0.4", schema: z.string() } },
    handle: async ({ services }) => ({
      raw: true,
      status: 200,
      contentType: services.metrics.registry.contentType,
      body: await services.metrics.registry.metrics(),
    }),
  }),
];
