/** POST /api/v1/authorize and the decision log (/api/v1/decisions/:id, replay). */
import { decisionOps, ZAuthorizeRequest, ZAuthorizeResponse, ZDecisionId, ZDecisionRecord, ZReplay, ZReplayRequest } from "../../decisions/schemas";
import { route } from "../route";

export const decisionRoutes = [
  route({
    method: "POST",
    path: "/api/v1/authorize",
    operationId: "authorize",
    summary: "Decide one agent action: allow, review or deny (a deny is still 200)",
    tag: "decisions",
    capability: decisionOps.authorize.capability,
    body: ZAuthorizeRequest,
    status: 200,
    response: ZAuthorizeResponse,
    handle: ({ actor, body, services }) => services.authorization.authorize(actor, body),
  }),
  route({
    method: "GET",
    path: "/api/v1/decisions/:id",
    operationId: "getDecision",
    summary: "A recorded decision: identity, task, action, resource, matched rules, version (the why)",
    tag: "decisions",
    capability: decisionOps.get.capability,
    params: ZDecisionId,
    response: ZDecisionRecord,
    handle: ({ actor, params, services }) => services.authorization.get(actor, params.id),
  }),
  route({
    method: "POST",
    path: "/api/v1/decisions/:id/replay",
    operationId: "replayDecision",
    summary: "Re-evaluate a recorded decision (against policy_id, default the enforced version)",
    tag: "decisions",
    capability: decisionOps.replay.capability,
    params: ZDecisionId,
    body: ZReplayRequest.optional(),
    status: 200,
    response: ZReplay,
    handle: ({ actor, params, body, services }) => services.authorization.replay(actor, params.id, body?.policy_id),
  }),
];
