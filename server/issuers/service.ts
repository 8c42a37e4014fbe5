/** Trusted issuers: CRUD (capability admin), audited; changes reach token verification at once. */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { errors } from "../errors";
import type { AccessGuard } from "../access/guard";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { urlProblem } from "../webhooks/http-client";
import { issuerOps, type CreateIssuerInput, type IssuerList, type TrustedIssuerView, type UpdateIssuerInput } from "./schemas";
import type { IssuerVerifier } from "./verify";

type IssuerRow = NonNullable<Awaited<ReturnType<Db["trustedIssuer"]["findUnique"]>>>;

export function toIssuerView(row: IssuerRow): TrustedIssuerView {
  return {
    name: row.name,
    kind: row.kind as "user" | "workload",
    issuer: row.issuer,
    audience: row.audience,
    jwks: row.jwks === null ? null : (JSON.parse(row.jwks) as Record<string, unknown>),
    jwks_url: row.jwksUrl,
    network: row.network,
    allowed_scopes: row.allowedScopes === null ? null : (JSON.parse(row.allowedScopes) as string[]),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export class TrustedIssuerService {
  constructor(
    private readonly deps: {
      db: Db;
      access: Pick<AccessGuard, "require">;
      audit: Pick<AuditWriter, "append">;
      verifier: Pick<IssuerVerifier, "forget">;
      allowPrivateNetworks: boolean;
    },
  ) {}

  async create(actor: Actor, input: CreateIssuerInput): Promise<TrustedIssuerView> {
    await this.deps.access.require(actor, issuerOps.create.capability, issuerOps.create.action);
    if (input.jwks_url !== undefined) this.requireFetchable(input.jwks_url);
    if (await this.deps.db.trustedIssuer.findUnique({ where: { name: input.name }, select: { name: true } })) {
      throw errors.conflict(`A trusted issuer named "${input.name}" already exists.`, "trusted_issuer_exists");
    }
    const row = await this.deps.db.trustedIssuer.create({
      data: {
        name: input.name,
        kind: input.kind,
        issuer: input.issuer,
        audience: input.audience,
        jwks: input.jwks ? JSON.stringify(input.jwks) : null,
        jwksUrl: input.jwks_url ?? null,
        network: input.network ?? null,
        allowedScopes: input.allowed_scopes ? JSON.stringify(input.allowed_scopes) : null,
      },
    });
    this.deps.verifier.forget();
    await auditSuccess(this.deps.audit, actor, issuerOps.create.action, {
      resource: `trusted_issuer:${row.name}`,
      details: { kind: row.kind, issuer: row.issuer, jwks_url: row.jwksUrl },
    });
    return toIssuerView(row);
  }

  async list(actor: Actor): Promise<IssuerList> {
    await this.deps.access.require(actor, issuerOps.list.capability, issuerOps.list.action);
    const rows = await this.deps.db.trustedIssuer.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.deps.audit, actor, issuerOps.list.action, { details: { count: rows.length } });
    return { items: rows.map(toIssuerView) };
  }

  async get(actor: Actor, name: string): Promise<TrustedIssuerView> {
    await this.deps.access.require(actor, issuerOps.get.capability, issuerOps.get.action);
    const row = await this.find(name);
    await auditSuccess(this.deps.audit, actor, issuerOps.get.action, { resource: `trusted_issuer:${name}` });
    return toIssuerView(row);
  }

  async update(actor: Actor, name: string, patch: UpdateIssuerInput): Promise<TrustedIssuerView> {
    await this.deps.access.require(actor, issuerOps.update.capability, issuerOps.update.action);
    await this.find(name);
    if (patch.jwks_url !== undefined) this.requireFetchable(patch.jwks_url);
    const row = await this.deps.db.trustedIssuer.update({
      where: { name },
      data: {
        ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
        ...(patch.issuer !== undefined ? { issuer: patch.issuer } : {}),
        ...(patch.audience !== undefined ? { audience: patch.audience } : {}),
        // One key source at a time: setting one clears the other.
        ...(patch.jwks !== undefined ? { jwks: JSON.stringify(patch.jwks), jwksUrl: null } : {}),
        ...(patch.jwks_url !== undefined ? { jwksUrl: patch.jwks_url, jwks: null } : {}),
        ...(patch.network !== undefined ? { network: patch.network } : {}),
        ...(patch.allowed_scopes !== undefined ? { allowedScopes: patch.allowed_scopes === null ? null : JSON.stringify(patch.allowed_scopes) } : {}),
      },
    });
    this.deps.verifier.forget();
    await auditSuccess(this.deps.audit, actor, issuerOps.update.action, { resource: `trusted_issuer:${name}`, details: { fields: Object.keys(patch) } });
    return toIssuerView(row);
  }

  async delete(actor: Actor, name: string): Promise<void> {
    await this.deps.access.require(actor, issuerOps.delete.capability, issuerOps.delete.action);
    await this.find(name);
    await this.deps.db.trustedIssuer.delete({ where: { name } });
    this.deps.verifier.forget();
    await auditSuccess(this.deps.audit, actor, issuerOps.delete.action, { resource: `trusted_issuer:${name}` });
  }

  private requireFetchable(url: string): void {
    const problem = urlProblem(url, this.deps.allowPrivateNetworks);
    if (problem) {
      throw errors.invalid(`jwks_url ${problem}${this.deps.allowPrivateNetworks ? "" : " (set [sts] allow_private_networks = true for internal issuers)"}.`, [{ field: "jwks_url", message: problem }], "jwks_url_refused");
    }
  }

  private async find(name: string): Promise<IssuerRow> {
    const row = await this.deps.db.trustedIssuer.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Trusted issuer "${name}"`, "trusted_issuer_not_found");
    return row;
  }
}
