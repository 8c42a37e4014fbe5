/**
 * The transparent proxy, `/gateway/<route>/<path>`, on the REST app's fast path. Per
 * request: the STS token is verified (401 otherwise), the token's rate limit counted, the
 * route's templates rendered and decided exactly as /api/v1/authorize decides; deny and
 * review answer 403 without touching the upstream; allow streams the request (credential
 * injected, the agent's credentials, cookies and hop-by-hop headers removed) and the
 * answer (Set-Cookie dropped). Every decided request is audited and counted.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "pino";
import { Agent, errors as undiciErrors, type Dispatcher } from "undici";
import type { AuditWriter } from "../audit/writer";
import type { DecisionService } from "../decisions/service";
import { AppError } from "../errors";
import type { Metrics } from "../observability/metrics";
import { SYSTEM_PRINCIPAL, type Actor } from "../rbac/principal";
import { limit, rateHeaders, type LimitDeps } from "../request/steps";
import type { StsTokenVerifier, VerifiedStsToken } from "../sts/verifier";
import { urlProblem } from "../webhooks/http-client";
import { guardedLookup } from "../webhooks/ssrf";
import type { GatewayCredentials } from "./credentials";
import { agentResponseHeaders, render, splitGatewayUrl, upstreamRequestHeaders, validHeaderValue } from "./headers";
import { credentialSource, gatewayOps } from "./schemas";
import type { GatewayService } from "./service";
import type { GatewayRoute } from "./store";

const ACTION = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface ProxyDeps extends LimitDeps {
  gateway: Pick<GatewayService, "route">;
  credentials: Pick<GatewayCredentials, "value">;
  stsVerifier: StsTokenVerifier;
  authorization: Pick<DecisionService, "authorize">;
  audit: Pick<AuditWriter, "append">;
  metrics: Pick<Metrics, "gatewayRequests" | "gatewayDuration">;
  logger: Logger;
  allowPrivateNetworks: boolean;
}

export interface ProxyRequest {
  requestId: string;
  ip: string;
}

/** Who the proxied request was made by, for the request log line. */
export type ProxyResult = { subject: string | undefined };

/** The principal the gateway decides and reads credentials as (an internal enforcement point). */
export function gatewayActor(requestId: string, ip: string | null): Actor {
  return { principal: { ...SYSTEM_PRINCIPAL, subject: "gateway", id: "gateway", name: "gateway" }, requestId, ip, via: "system" };
}

const unauthenticated = (detail: string, code: string, header: string) => new AppError("unauthenticated", detail, { code, headers: { "WWW-Authenticate": header } });

export class GatewayProxy {
  private readonly agent: Agent;

  constructor(private readonly deps: ProxyDeps) {
    this.agent = new Agent({ connections: 256, keepAliveTimeout: 30_000, ...(deps.allowPrivateNetworks ? {} : { connect: { lookup: guardedLookup } }) });
  }

  async handle(req: IncomingMessage, res: ServerResponse, ctx: ProxyRequest): Promise<ProxyResult> {
    const started = process.hrtime.bigint();
    const target = splitGatewayUrl(req.url ?? "/");
    const token = await this.authenticate(req, res, ctx);
    if (req.headers.upgrade) {
      throw new AppError("not_implemented", "The gateway does not proxy protocol upgrades (WebSocket); call the upstream's HTTP endpoints.", { code: "upgrade_not_supported" });
    }
    const route = await this.deps.gateway.route(target.route);
    if (!route) throw new AppError("not_found", `Gateway route "${target.route}" was not found.`, { code: "gateway_route_not_found" });

    const method = (req.method ?? "GET").toLowerCase();
    const values = { method, path: target.path, route: route.name };
    const action = render(route.action, values);
    const resource = { type: render(route.resource.type, values), id: render(route.resource.id, values) };
    if (!ACTION.test(action)) throw new AppError("invalid_input", "The request does not make a valid action for this route.", { code: "invalid_path", issues: [{ field: "path", message: "the rendered action is invalid" }] });

    const actor = gatewayActor(ctx.requestId, ctx.ip);
    const decision = await this.deps.authorization.authorize(actor, { token: token.raw, action, resource, context: { route: route.name, method, path: target.path } });
    const record = (status: number, upstreamStatus: number | null, outcome: "success" | "denied" | "failure") =>
      this.record(ctx, route, token.verified, { method, path: target.path, decision: decision.decision, decisionId: decision.decision_id, policyId: decision.policy_id, status, upstreamStatus, outcome, started });

    const ids = { decision_id: decision.decision_id, policy_id: decision.policy_id };
    if (decision.decision === "review") {
      record(403, null, "denied");
      throw new AppError("forbidden", "A human must approve this request before it can proceed.", { code: "review_required", extensions: { ...ids, review_id: decision.review_id ?? null } });
    }
    if (decision.decision === "deny") {
      record(decision.reasons.includes("token_invalid") ? 401 : 403, null, "denied");
      if (decision.reasons.includes("token_invalid")) throw unauthenticated("The token is no longer valid.", "token_invalid", 'Bearer realm="arcan", error="invalid_token"');
      throw new AppError("forbidden", "The policy does not allow this request.", { code: "access_denied", extensions: { ...ids, reasons: decision.reasons } });
    }

    try {
      const upstreamStatus = await this.forward(req, res, route, target, actor, ctx.requestId);
      record(res.statusCode, upstreamStatus, "success");
    } catch (err) {
      const appError = err instanceof AppError ? err : new AppError("bad_gateway", "The upstream connection failed.", { code: "upstream_failed", cause: err });
      if (appError.status >= 500) {
        const cause = appError.cause as { code?: string; message?: string } | undefined;
        this.deps.logger.warn({ requestId: ctx.requestId, route: route.name, code: appError.code, cause: cause?.code ?? cause?.message?.split("\n")[0] }, "gateway request failed");
      }
      record(res.headersSent ? res.statusCode : appError.status, null, "failure");
      throw appError;
    }
    return { subject: token.verified.sub };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  /** The STS token from `Authorization: Bearer`, verified, and its rate limit counted. */
  private async authenticate(req: IncomingMessage, res: ServerResponse, ctx: ProxyRequest): Promise<{ raw: string; verified: VerifiedStsToken }> {
    const header = req.headers.authorization;
    const raw = header && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, "").trim() : "";
    const verification = raw ? await this.deps.stsVerifier.verify(raw) : null;
    const decided = limit(this.deps, verification?.ok ? { stsToken: verification.token.jti } : { ip: ctx.ip });
    const decision = decided instanceof Promise ? await decided : decided;
    for (const [k, v] of Object.entries(rateHeaders(decision))) res.setHeader(k, v);
    if (!verification) throw unauthenticated("An Arcan STS token is required (Authorization: Bearer …).", "unauthenticated", 'Bearer realm="arcan"');
    if (!verification.ok) throw unauthenticated("The token is expired, revoked, badly signed or meant for another audience.", "token_invalid", 'Bearer realm="arcan", error="invalid_token"');
    return { raw, verified: verification.token };
  }

  /** Streams the request to the upstream and its answer back; the upstream's status. */
  private async forward(req: IncomingMessage, res: ServerResponse, route: GatewayRoute, target: { path: string; search: string }, actor: Actor, requestId: string): Promise<number> {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (Number.isFinite(declared) && declared > route.maxBodyBytes) throw tooLarge(route.maxBodyBytes);
    const url = new URL(`${route.upstream}/${target.path}${target.search}`);
    const refused = urlProblem(url.href, this.deps.allowPrivateNetworks);
    if (refused) throw new AppError("bad_gateway", `The route's upstream ${refused}.`, { code: "upstream_refused" });

    const value = await this.credential(actor, route);
    const headers = upstreamRequestHeaders(req.headers, { header: route.inject.header, value: route.inject.format.replaceAll("{{value}}", value) }, requestId);
    const hasBody = declared > 0 || req.headers["transfer-encoding"] !== undefined;
    let overLimit = false;
    let seen = 0;
    const counted = hasBody
      ? req.pipe(
          new Transform({
            transform(chunk: Buffer, _enc, done) {
              seen += chunk.length;
              if (seen > route.maxBodyBytes) {
                overLimit = true;
                done(tooLarge(route.maxBodyBytes));
              } else done(null, chunk);
            },
          }),
        )
      : null;

    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), route.timeoutMs);
    const onGone = () => abort.abort();
    res.once("close", onGone);
    let answer: Dispatcher.ResponseData;
    try {
      answer = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: (req.method ?? "GET") as Dispatcher.HttpMethod,
        headers,
        body: counted,
        signal: abort.signal,
        bodyTimeout: route.timeoutMs,
      });
    } catch (err) {
      res.off("close", onGone);
      if (overLimit) throw tooLarge(route.maxBodyBytes);
      if (abort.signal.aborted) throw new AppError("gateway_timeout", `The upstream did not answer within ${route.timeoutMs} ms.`, { code: "upstream_timeout" });
      throw upstreamError(err);
    } finally {
      clearTimeout(timer);
    }
    res.writeHead(answer.statusCode, agentResponseHeaders(answer.headers));
    try {
      await pipeline(answer.body, res);
    } catch (err) {
      // The status line is out: all that is left is to cut the connection.
      this.deps.logger.warn({ requestId, route: route.name, err: (err as Error).message.split("\n")[0] }, "gateway answer cut short");
      res.destroy();
    } finally {
      res.off("close", onGone);
    }
    return answer.statusCode;
  }

  private async credential(actor: Actor, route: GatewayRoute): Promise<string> {
    let value: string;
    try {
      value = await this.deps.credentials.value(actor, route.name, route.inject);
    } catch (err) {
      if (err instanceof AppError && err.code === "gateway_credential_unavailable") throw err;
      // Which realm or mount failed is the operator's business, not the agent's.
      this.deps.logger.warn({ requestId: actor.requestId, route: route.name, source: credentialSource(route.inject), err: err instanceof AppError ? err.code : "internal" }, "gateway credential unavailable");
      throw new AppError("unavailable", "The credential this route injects is not available.", { code: "gateway_credential_unavailable" });
    }
    if (!validHeaderValue(value)) throw new AppError("unavailable", "The credential this route injects is not a valid header value.", { code: "gateway_credential_unavailable" });
    return value;
  }

  private record(
    ctx: ProxyRequest,
    route: GatewayRoute,
    token: VerifiedStsToken,
    r: { method: string; path: string; decision: string; decisionId: string; policyId: string | null; status: number; upstreamStatus: number | null; outcome: "success" | "denied" | "failure"; started: bigint },
  ): void {
    const seconds = Number(process.hrtime.bigint() - r.started) / 1e9;
    this.deps.metrics.gatewayRequests.labels(route.name, r.decision, r.upstreamStatus === null ? "none" : String(r.upstreamStatus)).inc();
    this.deps.metrics.gatewayDuration.labels(route.name, r.decision).observe(seconds);
    this.deps.audit
      .append({
        requestId: ctx.requestId,
        actor: token.sub,
        action: gatewayOps.proxy.action,
        outcome: r.outcome,
        status: r.status,
        ip: ctx.ip,
        resource: `gateway_route:${route.name}`,
        reason: r.outcome === "denied" ? r.decision : null,
        details: {
          route: route.name,
          method: r.method.toUpperCase(),
          path: r.path,
          agent: token.agent.id,
          user: token.user.id,
          task: token.task,
          decision: r.decision,
          decision_id: r.decisionId,
          policy_id: r.policyId,
          upstream_status: r.upstreamStatus,
          latency_ms: Math.round(seconds * 1e5) / 100,
          credential_source: credentialSource(route.inject),
        },
      })
      .catch((err: unknown) => this.deps.logger.error({ requestId: ctx.requestId, err: (err as Error).message.split("\n")[0] }, "gateway audit record failed"));
  }
}

function tooLarge(max: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than this route accepts (${max} bytes).`, { code: "body_too_large" });
}

function upstreamError(err: unknown): AppError {
  const code = (err as { code?: string }).code;
  if (code === "EBLOCKED") return new AppError("bad_gateway", "The upstream resolves to an address the gateway may not reach (set [gateway] allow_private_networks = true for internal upstreams).", { code: "upstream_refused", cause: err });
  if (err instanceof undiciErrors.BodyTimeoutError || err instanceof undiciErrors.HeadersTimeoutError) return new AppError("gateway_timeout", "The upstream did not answer in time.", { code: "upstream_timeout", cause: err });
  return new AppError("bad_gateway", "The upstream could not be reached.", { code: "upstream_unreachable", cause: err });
}
