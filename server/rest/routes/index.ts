/** Every REST route, in one table. */
import { z } from "zod";
import { buildOpenApi } from "../openapi";
import { publicRoute, type AnyRoute } from "../route";
import { auditRoutes } from "./audit";
import { rbacRoutes } from "./rbac";
import { realmRoutes } from "./realms";
import { secretRoutes } from "./secrets";
import { systemRoutes } from "./system";
import { tokenRoutes } from "./tokens";
import { webhookRoutes } from "./webhooks";
import { pluginRoutes } from "./plugins";
import { agentRoutes } from "./agents";
import { trustedIssuerRoutes } from "./trusted-issuers";
import { stsRoutes } from "./sts";
import { policyRoutes } from "./policies";
import { decisionRoutes } from "./decisions";
import { reviewRoutes } from "./reviews";
import { engineRoutes } from "./engines";
import { leaseRoutes } from "./leases";
import { gatewayRoutes } from "./gateway";

let openApiText: string | null = null;

export const allRoutes: AnyRoute[] = [
  ...systemRoutes,
  ...tokenRoutes,
  ...realmRoutes,
  ...rbacRoutes,
  ...secretRoutes,
  ...auditRoutes,
  ...webhookRoutes,
  ...pluginRoutes,
  ...agentRoutes,
  ...trustedIssuerRoutes,
  ...stsRoutes,
  ...policyRoutes,
  ...decisionRoutes,
  ...reviewRoutes,
  ...engineRoutes,
  ...leaseRoutes,
  ...gatewayRoutes,
  publicRoute({
    method: "GET",
    path: "/api/v1/openapi.json",
    operationId: "openapi",
    summary: "This document",
    tag: "system",
    response: z.record(z.string(), z.unknown()),
    handle: async () => {
      openApiText ??= JSON.stringify(buildOpenApi(allRoutes), null, 2);
      return { raw: true, status: 200, contentType: "application/json", body: openApiText };
    },
  }),
];
