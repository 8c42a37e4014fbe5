/**
 * The Security Token Service: RFC 8693 token exchange. The subject (the user: an Arcan API
 * token or an ID token of a trusted `user` issuer), the actor (the agent's credential) and
 * optionally the workload (a JWT of a trusted `workload` issuer) become one short-lived,
 * task-bound ES256 JWT whose scopes are the intersection of every layer. Also: JWKS, key
 * rotation, revocation by jti.
 */
import { randomBytes } from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";
import { intersectScopes, isScope } from "../agents/scopes";
import type { InvalidationPublisher } from "../cluster/bus";
import type { AgentService, AgentState } from "../agents/service";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { ArcanConfig } from "../config/config";
import { AppError } from "../errors";
import type { IssuerVerifier, TrustedIssuer } from "../issuers/verify";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { TokenAuthenticator } from "../tokens/authenticator";
import type { StsKeyStore } from "./keys";
import type { Revocation, RevocationList } from "./revocations";
import {
  GRANT_TOKEN_EXCHANGE,
  MAX_TASK_LENGTH,
  stsOps,
  TOKEN_TYPE_ACCESS,
  TOKEN_TYPE_AGENT,
  TOKEN_TYPE_ID,
  TOKEN_TYPE_JWT,
  type OAuthErrorCode,
  type RevocationsQuery,
  type RevokeInput,
  type StsTokenRequest,
  type StsTokenResponse,
} from "./schemas";

export interface StsUser {
  id: string;
  email?: string;
  roles: string[];
  groups: string[];
}

interface Subject {
  user: StsUser;
  issuer: TrustedIssuer | null;
  mayAct: Record<string, unknown> | null;
  act: Record<string, unknown> | null;
}

/** An OAuth error as problem+json: `code` and `error` are the OAuth error code. */
export function oauthError(error: OAuthErrorCode, description: string): AppError {
  return new AppError("invalid_input", description, { code: error, extensions: { error, error_description: description } });
}

const AUDIENCE = /^[\x21-\x7e]{1,200}$/;

export class StsService {
  private defaultIssuer = "https://localhost";

  constructor(
    private readonly deps: {
      db: Db;
      config: ArcanConfig["sts"];
      tokens: Pick<TokenAuthenticator, "authenticate">;
      agents: Pick<AgentService, "byCredential">;
      issuers: Pick<IssuerVerifier, "verify">;
      keys: Pick<StsKeyStore, "signingKey" | "jwks" | "rotate">;
      revocations: Pick<RevocationList, "revoke" | "since">;
      access: Pick<AccessGuard, "require">;
      audit: Pick<AuditWriter, "append">;
      bus: InvalidationPublisher;
    },
  ) {}

  /** The server's own https://host:port, the `iss` when [sts] issuer is not set (known once it listens). */
  setDefaultIssuer(url: string): void {
    this.defaultIssuer = url;
  }

  get issuer(): string {
    return this.deps.config.issuer || this.defaultIssuer;
  }

  async exchange(form: StsTokenRequest, request: { requestId: string; ip: string | null }): Promise<StsTokenResponse> {
    try {
      return await this.issue(form, request);
    } catch (err) {
      if (err instanceof AppError && err.kind === "invalid_input") {
        await this.deps.audit.append({ requestId: request.requestId, actor: "anonymous", action: stsOps.exchange.action, outcome: "denied", status: 400, reason: `${err.code}: ${err.message}`, ip: request.ip });
      }
      throw err;
    }
  }

  private async issue(form: StsTokenRequest, request: { requestId: string; ip: string | null }): Promise<StsTokenResponse> {
    if (form.grant_type !== GRANT_TOKEN_EXCHANGE) throw oauthError("unsupported_grant_type", `grant_type must be ${GRANT_TOKEN_EXCHANGE}.`);
    if (!form.subject_token) throw oauthError("invalid_request", "subject_token is required.");
    if (!form.subject_token_type) throw oauthError("invalid_request", "subject_token_type is required.");
    if (!form.actor_token) throw oauthError("invalid_request", "actor_token (the agent credential) is required.");
    if (!form.actor_token_type) throw oauthError("invalid_request", "actor_token_type is required with actor_token.");
    if (form.actor_token_type !== TOKEN_TYPE_AGENT) throw oauthError("invalid_request", `actor_token_type must be ${TOKEN_TYPE_AGENT}.`);
    if (form.workload_token && form.workload_token_type !== TOKEN_TYPE_JWT) throw oauthError("invalid_request", `workload_token_type must be ${TOKEN_TYPE_JWT} with workload_token.`);
    const task = form.task?.trim() ?? "";
    if (!task) throw oauthError("invalid_request", "task (the task descriptor) is required.");
    if (task.length > MAX_TASK_LENGTH) throw oauthError("invalid_request", `task is longer than ${MAX_TASK_LENGTH} characters.`);
    const requested = (form.scope ?? "").split(" ").filter(Boolean);
    if (requested.length === 0) throw oauthError("invalid_scope", "scope must name at least one scope.");
    const malformed = requested.find((s) => !isScope(s));
    if (malformed !== undefined) throw oauthError("invalid_scope", `"${malformed.slice(0, 200)}" is not a scope (<action>:<type>/<id>, a trailing * matches any rest).`);
    const audience = form.audience ?? this.deps.config.audience;
    if (!AUDIENCE.test(audience)) throw oauthError("invalid_target", "audience must be 1–200 printable characters without spaces.");
    const ttl = this.ttlFor(form.requested_ttl);

    const agent = await this.deps.agents.byCredential(form.actor_token);
    if (!agent) throw oauthError("invalid_request", "actor_token is not a valid agent credential.");
    if (agent.disabled) throw oauthError("invalid_request", "The agent is disabled.");
    const subject = await this.subject(form.subject_token, form.subject_token_type);
    if (subject.mayAct && !mayActFor(subject.mayAct, agent)) throw oauthError("invalid_request", "The subject token's may_act does not name this agent.");
    const workload = form.workload_token ? await this.workload(form.workload_token) : null;

    const granted = intersectScopes(requested, [agent.allowedScopes, subject.issuer?.allowedScopes ?? null, workload?.issuer.allowedScopes ?? null]);
    if (granted.length === 0) throw oauthError("invalid_scope", "No requested scope is allowed by every layer (agent, user issuer, workload issuer).");

    const jti = randomBytes(16).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const workloadClaim = workload ? { sub: workload.sub, issuer: workload.issuer.issuer, network: workload.issuer.network } : null;
    const claims: JWTPayload = {
      client_id: agent.id,
      task,
      scope: granted.join(" "),
      act: subject.act ? { sub: agent.id, act: subject.act } : { sub: agent.id },
      user: subject.user,
      agent: { id: agent.id, name: agent.name, trust_tier: agent.trustTier },
      ...(workloadClaim ? { workload: workloadClaim } : {}),
      constraints: { ttl_seconds: ttl, requested_scopes: requested, workload_attested: workload !== null },
    };
    const { kid, privateKey } = await this.deps.keys.signingKey();
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
      .setIssuer(this.issuer)
      .setSubject(`composite/${subject.user.id}|${agent.id}|${workload?.sub ?? "-"}`)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + ttl)
      .setJti(jti)
      .sign(privateKey);
    await this.deps.audit.append({
      requestId: request.requestId,
      actor: `agent:${agent.id}`,
      action: stsOps.exchange.action,
      outcome: "success",
      status: 200,
      resource: `sts_token:${jti}`,
      ip: request.ip,
      details: { user: subject.user.id, agent: agent.id, workload: workload?.sub ?? null, task, scopes: granted, audience, expires_in: ttl },
    });
    return { access_token: accessToken, issued_token_type: TOKEN_TYPE_JWT, token_type: "Bearer", expires_in: ttl, scope: granted.join(" ") };
  }

  jwks() {
    return this.deps.keys.jwks();
  }

  async rotateKeys(actor: Actor) {
    await this.deps.access.require(actor, stsOps.rotateKeys.capability, stsOps.rotateKeys.action);
    const result = await this.deps.keys.rotate();
    await auditSuccess(this.deps.audit, actor, stsOps.rotateKeys.action, { resource: `sts_key:${result.kid}`, details: result });
    return result;
  }

  async revoke(actor: Actor, input: RevokeInput): Promise<Revocation> {
    await this.deps.access.require(actor, stsOps.revoke.capability, stsOps.revoke.action);
    const revocation = await this.deps.revocations.revoke(input.jti, actor.principal.subject);
    await this.deps.bus.publish({ kind: "sts_jti", jti: revocation.jti, expires_at: Date.parse(revocation.expires_at) });
    await auditSuccess(this.deps.audit, actor, stsOps.revoke.action, { resource: `sts_token:${input.jti}` });
    return revocation;
  }

  async revocations(actor: Actor, query: RevocationsQuery): Promise<{ items: Revocation[] }> {
    await this.deps.access.require(actor, stsOps.revocations.capability, stsOps.revocations.action);
    return { items: await this.deps.revocations.since(query.since ? new Date(query.since) : new Date(0), query.limit) };
  }

  private ttlFor(requested: string | undefined): number {
    const { ttl, max_ttl: maxTtl } = this.deps.config;
    if (requested === undefined || requested === "") return Math.min(ttl, maxTtl);
    if (!/^\d{1,9}$/.test(requested) || Number(requested) < 1) throw oauthError("invalid_request", "requested_ttl must be a positive number of seconds.");
    return Math.min(Number(requested), maxTtl);
  }

  private async subject(token: string, type: string): Promise<Subject> {
    if (type === TOKEN_TYPE_ACCESS) {
      const auth = await this.deps.tokens.authenticate(token);
      if (!auth.ok) throw oauthError("invalid_request", `subject_token is not a valid Arcan API token (${auth.reason}).`);
      const subject = auth.principal.subject;
      const bindings = await this.deps.db.binding.findMany({ where: { subject }, select: { role: { select: { name: true } } } });
      const roles = [...new Set(bindings.map((b) => b.role.name))].sort();
      return { user: { id: subject, roles, groups: [] }, issuer: null, mayAct: null, act: null };
    }
    if (type !== TOKEN_TYPE_ID) throw oauthError("invalid_request", `subject_token_type must be ${TOKEN_TYPE_ACCESS} or ${TOKEN_TYPE_ID}.`);
    const verified = await this.deps.issuers.verify("user", token);
    if (!verified.ok) throw oauthError("invalid_request", `subject_token was refused: ${verified.reason}.`);
    const c = verified.claims;
    const user: StsUser = { id: c.sub!, ...(typeof c.email === "string" ? { email: c.email } : {}), roles: stringList(c.roles), groups: stringList(c.groups) };
    return { user, issuer: verified.issuer, mayAct: objectOrNull(c.may_act), act: objectOrNull(c.act) };
  }

  private async workload(token: string): Promise<{ sub: string; issuer: TrustedIssuer }> {
    const verified = await this.deps.issuers.verify("workload", token);
    if (!verified.ok) throw oauthError("invalid_request", `workload_token was refused: ${verified.reason}.`);
    return { sub: verified.claims.sub!, issuer: verified.issuer };
  }
}

/** RFC 8693 §4.4: the subject allows this actor. Agents are named by id or by name. */
function mayActFor(mayAct: Record<string, unknown>, agent: AgentState): boolean {
  return typeof mayAct.sub === "string" && (mayAct.sub === agent.id || mayAct.sub === agent.name);
}

function stringList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function objectOrNull(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
