/** The trusted-issuers contract: who may vouch for users and workloads, and how their keys are found. */
import { z } from "zod";
import { ZScope } from "../agents/scopes";

export const issuerOps = {
  create: { capability: "admin", action: "trusted_issuer.create" },
  list: { capability: "admin", action: "trusted_issuer.list" },
  get: { capability: "admin", action: "trusted_issuer.read" },
  update: { capability: "admin", action: "trusted_issuer.update" },
  delete: { capability: "admin", action: "trusted_issuer.delete" },
} as const;

/** Algorithms a trusted issuer's token may use (RFC 8725: never `none`, never HMAC). */
export const ISSUER_ALGORITHMS = ["RS256", "ES256", "EdDSA"] as const;

export const ZIssuerName = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "lowercase letters, digits and '-', at most 63 characters");
export const ZIssuerParams = z.strictObject({ name: ZIssuerName });
export const ZIssuerKind = z.enum(["user", "workload"]);

const ZPublicJwk = z
  .looseObject({
    kty: z.enum(["RSA", "EC", "OKP"], "kty must be RSA, EC or OKP (symmetric keys are refused)"),
    kid: z.string().max(200).optional(),
    alg: z.enum(ISSUER_ALGORITHMS, "alg must be RS256, ES256 or EdDSA").optional(),
    d: z.undefined("a JWKS holds public keys only").optional(),
  })
  .refine((k) => !("p" in k) && !("q" in k) && !("k" in k), "a JWKS holds public keys only");

export const ZJwks = z.looseObject({ keys: z.array(ZPublicJwk).min(1).max(50) }).meta({ id: "Jwks", description: "An inline JSON Web Key Set (public keys)" });

const ZUrl = z.string().max(2000).url();

const ISSUER_EXAMPLE = {
  name: "k8s-prod",
  kind: "workload",
  issuer: "https://oidc.prod.example.com",
  audience: "arcan",
  jwks: null,
  jwks_url: "https://oidc.prod.example.com/keys",
  network: "corp-vpn",
  allowed_scopes: null,
  created_at: "2026-11-22T10:00:00.000Z",
  updated_at: "2026-11-22T10:00:00.000Z",
};

export const ZTrustedIssuer = z
  .object({
    name: z.string(),
    kind: ZIssuerKind,
    issuer: z.string(),
    audience: z.string(),
    jwks: z.record(z.string(), z.unknown()).nullable(),
    jwks_url: z.string().nullable(),
    network: z.string().nullable(),
    allowed_scopes: z.array(z.string()).nullable().describe("null: the issuer does not narrow the granted scopes"),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "TrustedIssuer", description: "An issuer whose tokens vouch for users or workloads", examples: [ISSUER_EXAMPLE] });
export type TrustedIssuerView = z.output<typeof ZTrustedIssuer>;

const fields = {
  issuer: ZUrl.describe("The `iss` its tokens carry"),
  audience: z.string().min(1).max(200).describe("The `aud` its tokens must carry"),
  jwks: ZJwks.optional(),
  jwks_url: ZUrl.optional().describe("HTTPS URL of the JWKS (cached; refetched on an unknown kid)"),
  network: z.string().min(1).max(100).nullable().optional().describe("The network its workloads run on (policies see it as context.network)"),
  allowed_scopes: z.array(ZScope).max(200).nullable().optional(),
};

export const ZCreateIssuer = z
  .strictObject({ name: ZIssuerName, kind: ZIssuerKind, ...fields, audience: fields.audience.default("arcan") })
  .refine((v) => (v.jwks === undefined) !== (v.jwks_url === undefined), { message: "give exactly one of jwks and jwks_url", path: ["jwks"] })
  .meta({
    id: "CreateTrustedIssuerRequest",
    examples: [{ name: "k8s-prod", kind: "workload", issuer: "https://oidc.prod.example.com", audience: "arcan", jwks_url: "https://oidc.prod.example.com/keys", network: "corp-vpn" }],
  });
export type CreateIssuerInput = z.output<typeof ZCreateIssuer>;

export const ZUpdateIssuer = z
  .strictObject({ kind: ZIssuerKind.optional(), ...fields, issuer: fields.issuer.optional(), audience: fields.audience.optional() })
  .refine((v) => v.jwks === undefined || v.jwks_url === undefined, { message: "give at most one of jwks and jwks_url", path: ["jwks"] })
  .meta({ id: "UpdateTrustedIssuerRequest", examples: [{ allowed_scopes: ["jira.read:project/*"] }] });
export type UpdateIssuerInput = z.output<typeof ZUpdateIssuer>;

export const ZIssuerList = z.object({ items: z.array(ZTrustedIssuer) }).meta({ id: "TrustedIssuerList" });
export type IssuerList = z.output<typeof ZIssuerList>;
