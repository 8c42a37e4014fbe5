/** The STS: /api/v1/sts/* (token exchange, key rotation, revocation) and /.well-known/jwks.json (StsService). */
import { clientIp } from "../http";
import { publicRoute, route } from "../route";
import { stsOps, ZJwksDocument, ZKeyRotation, ZRevocation, ZRevocationList, ZRevocationsQuery, ZRevokeRequest, ZStsTokenRequest, ZStsTokenResponse } from "../../sts/schemas";

export const stsRoutes = [
  publicRoute({
    method: "POST",
    path: "/api/v1/sts/token",
    operationId: "stsToken",
    summary: "RFC 8693 token exchange: user + agent (+ workload) → a short-lived task-bound JWT",
    description:
      "Form-encoded (application/x-www-form-urlencoded); the tokens in the body authenticate, no Arcan token is needed. " +
      "Errors are problem+json carrying the OAuth fields `error` (invalid_request, invalid_scope, invalid_target, unsupported_grant_type) and `error_description`.",
    tag: "sts",
    form: ZStsTokenRequest,
    response: ZStsTokenResponse,
    handle: ({ form, services, req, requestId }) => services.sts.exchange(form, { requestId, ip: clientIp(req) }),
  }),
  publicRoute({
    method: "GET",
    path: "/.well-known/jwks.json",
    operationId: "jwks",
    summary: "The STS's public signing keys (current and still-published previous ones)",
    tag: "sts",
    response: ZJwksDocument,
    handle: ({ services }) => services.sts.jwks(),
  }),
  route({
    method: "POST",
    path: "/api/v1/sts/keys/rotate",
    operationId: "rotateStsKeys",
    summary: "A new signing key; the old one stays published until every token it signed has expired",
    tag: "sts",
    capability: stsOps.rotateKeys.capability,
    response: ZKeyRotation,
    handle: ({ actor, services }) => services.sts.rotateKeys(actor),
  }),
  route({
    method: "POST",
    path: "/api/v1/sts/revoke",
    operationId: "revokeStsToken",
    summary: "Refuse an issued token everywhere, at once, by its jti",
    tag: "sts",
    capability: stsOps.revoke.capability,
    body: ZRevokeRequest,
    response: ZRevocation,
    handle: ({ actor, body, services }) => services.sts.revoke(actor, body),
  }),
  route({
    method: "GET",
    path: "/api/v1/sts/revocations",
    operationId: "listStsRevocations",
    summary: "Revoked jtis since a time (for stream consumers)",
    tag: "sts",
    capability: stsOps.revocations.capability,
    query: ZRevocationsQuery,
    response: ZRevocationList,
    handle: ({ actor, query, services }) => services.sts.revocations(actor, query),
  }),
];

