/**
 * Verification of the tokens this STS issued, for everything that accepts them (the
 * authorize endpoint, the gateway, the SDK's middleware through the REST API): an ES256
 * signature by one of our published keys (chosen by kid, never by the token's own key
 * material), `typ` at+jwt, exp/nbf with 30 s leeway, the audience, jti revocation, and the
 * agent still existing and enabled.
 */
import { jwtVerify, type JWTPayload } from "jose";
import type { AgentService } from "../agents/service";
import { CLOCK_LEEWAY_S, type StsKeyStore } from "./keys";
import type { RevocationList } from "./revocations";

export interface VerifiedStsToken {
  jti: string;
  sub: string;
  exp: number;
  task: string;
  scopes: string[];
  audience: string[];
  user: { id: string; email?: string; roles: string[]; groups: string[] };
  agent: { id: string; name: string; trust_tier: number };
  workload: { sub: string; issuer: string; network: string | null } | null;
  act: Record<string, unknown>;
  constraints: Record<string, unknown>;
}

export type StsVerification = { ok: true; token: VerifiedStsToken } | { ok: false; reason: string };

export interface StsTokenVerifier {
  verify(token: string, opts?: { audience?: string }): Promise<StsVerification>;
}

/** Tokens whose signature already verified, so a token used for many calls pays for ES256 once. */
const VERIFIED_CACHE_SIZE = 10_000;

export class StsVerifier implements StsTokenVerifier {
  private readonly verified = new Map<string, { token: VerifiedStsToken; nbf: number }>();

  constructor(
    private readonly deps: {
      keys: Pick<StsKeyStore, "verificationKey">;
      revocations: Pick<RevocationList, "isRevoked">;
      agents: Pick<AgentService, "state">;
      defaultAudience: string;
    },
  ) {}

  async verify(token: string, opts: { audience?: string } = {}): Promise<StsVerification> {
    const audience = opts.audience ?? this.deps.defaultAudience;
    const hit = this.verified.get(token);
    const signed = hit ? this.recheck(hit, audience) : await this.verifySignature(token, audience);
    if (!signed.ok) return signed;
    const parsed = signed.token;
    if (await this.deps.revocations.isRevoked(parsed.jti)) return { ok: false, reason: "token revoked" };
    const agent = await this.deps.agents.state(parsed.agent.id);
    if (!agent) return { ok: false, reason: "agent deleted" };
    if (agent.disabled) return { ok: false, reason: "agent disabled" };
    return { ok: true, token: parsed };
  }

  /** What jose checked for a token seen before: the time window and the audience (its signature cannot have changed). */
  private recheck(hit: { token: VerifiedStsToken; nbf: number }, audience: string): StsVerification {
    const now = Math.floor(Date.now() / 1000);
    if (now - CLOCK_LEEWAY_S >= hit.token.exp) return { ok: false, reason: "token expired" };
    if (now + CLOCK_LEEWAY_S < hit.nbf) return { ok: false, reason: "token not yet valid" };
    if (!hit.token.audience.includes(audience)) return { ok: false, reason: "wrong audience" };
    return { ok: true, token: hit.token };
  }

  private async verifySignature(token: string, audience: string): Promise<StsVerification> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          if (header.alg !== "ES256") throw new Error(`algorithm ${String(header.alg)} is not accepted`);
          const key = header.kid ? await this.deps.keys.verificationKey(header.kid) : null;
          if (!key) throw new Error("unknown signing key");
          return key;
        },
        {
          algorithms: ["ES256"],
          typ: "at+jwt",
          audience,
          clockTolerance: CLOCK_LEEWAY_S,
          requiredClaims: ["exp", "jti", "sub", "agent", "user"],
        },
      ));
    } catch (err) {
      return { ok: false, reason: reasonOf(err) };
    }
    const parsed = toVerified(payload);
    if (!parsed) return { ok: false, reason: "the token's claims are not an STS token's" };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { token: parsed, nbf: typeof payload.nbf === "number" ? payload.nbf : 0 });
    return { ok: true, token: parsed };
  }
}

function reasonOf(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === "ERR_JWT_EXPIRED") return "token expired";
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
    const claim = (err as { claim?: string }).claim;
    if (claim === "aud") return "wrong audience";
    if (claim === "nbf") return "token not yet valid";
    return `invalid claim ${claim ?? ""}`.trim();
  }
  if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") return "bad signature";
  if (code === "ERR_JOSE_ALG_NOT_ALLOWED") return "algorithm not accepted";
  if (code === "ERR_JWS_INVALID" || code === "ERR_JWT_INVALID") return "malformed token";
  return err instanceof Error ? err.message.split("\n")[0]! : "invalid token";
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const record = (v: unknown): Record<string, unknown> | null => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

function toVerified(p: JWTPayload): VerifiedStsToken | null {
  const user = record(p.user);
  const agent = record(p.agent);
  const workload = record(p.workload);
  if (typeof p.jti !== "string" || typeof p.sub !== "string" || typeof p.exp !== "number" || !user || !agent) return null;
  if (typeof user.id !== "string" || typeof agent.id !== "string" || typeof agent.name !== "string" || typeof agent.trust_tier !== "number") return null;
  return {
    jti: p.jti,
    sub: p.sub,
    exp: p.exp,
    task: typeof p.task === "string" ? p.task : "",
    scopes: typeof p.scope === "string" ? p.scope.split(" ").filter(Boolean) : [],
    audience: typeof p.aud === "string" ? [p.aud] : strings(p.aud),
    user: { id: user.id, ...(typeof user.email === "string" ? { email: user.email } : {}), roles: strings(user.roles), groups: strings(user.groups) },
    agent: { id: agent.id, name: agent.name, trust_tier: agent.trust_tier },
    workload:
      workload && typeof workload.sub === "string" && typeof workload.issuer === "string"
        ? { sub: workload.sub, issuer: workload.issuer, network: typeof workload.network === "string" ? workload.network : null }
        : null,
    act: record(p.act) ?? {},
    constraints: record(p.constraints) ?? {},
  };
}
