export interface VerifiedStsToken { jti: string; sub: string; exp: number; task: string; scopes: string[]; audience: string[];
  user: { id: string; email?: string; roles: string[]; groups: string[] }; agent: { id: string; name: string; trust_tier: number };
  workload: { sub: string; issuer: string; network: string | null } | null; act: Record<string, unknown>; constraints: Record<string, unknown>; }
export type StsVerification = { ok: true; token: VerifiedStsToken } | { ok: false; reason: string };
export interface StsTokenVerifier { verify(token: string, opts?: { audience?: string }): Promise<StsVerification>; }
