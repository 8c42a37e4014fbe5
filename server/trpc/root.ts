/** The console's root tRPC router: one sub-router per domain. */
import { auditRouter } from "./routers/audit";
import { bindingsRouter } from "./routers/bindings";
import { decisionsRouter } from "./routers/decisions";
import { realmsRouter } from "./routers/realms";
import { rolesRouter } from "./routers/roles";
import { secretsRouter } from "./routers/secrets";
import { sessionRouter } from "./routers/session";
import { tokensRouter } from "./routers/tokens";
import { usersRouter } from "./routers/users";
import { webhooksRouter } from "./routers/webhooks";
import { pluginsRouter } from "./routers/plugins";
import { agentsRouter } from "./routers/agents";
import { policiesRouter } from "./routers/policies";
import { reviewsRouter } from "./routers/reviews";
import { decisionLogRouter } from "./routers/decision-log";
import { enginesRouter } from "./routers/engines";
import { leasesRouter } from "./routers/leases";
import { gatewayRouter } from "./routers/gateway";
import { createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  session: sessionRouter,
  realms: realmsRouter,
  secrets: secretsRouter,
  tokens: tokensRouter,
  roles: rolesRouter,
  bindings: bindingsRouter,
  users: usersRouter,
  audit: auditRouter,
  decisions: decisionsRouter,
  webhooks: webhooksRouter,
  plugins: pluginsRouter,
  agents: agentsRouter,
  policies: policiesRouter,
  reviews: reviewsRouter,
  decisionLog: decisionLogRouter,
  engines: enginesRouter,
  leases: leasesRouter,
  gateway: gatewayRouter,
});

export type AppRouter = typeof appRouter;
