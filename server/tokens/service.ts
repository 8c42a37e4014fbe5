/**
 * API token management: create, list, get, update, rotate, revoke, revoke-all, delete and
 * the cache controls. Authentication (value → principal) is the TokenAuthenticator's job.
 */
import type { AccessGuard } from "../access/guard";
import type { CacheStats, PrincipalCache } from "../access/principal-cache";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { displayPrefix, generateToken, hashToken } from "../crypto/token-format";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { Capability } from "../rbac/capabilities";
import { parseCapabilities } from "../rbac/grants";
import { ALL_REALMS, canSee, covers, firstGap, type Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import type { InvalidationPublisher } from "../cluster/bus";
import type { TokenAuthenticator, TokenRow } from "./authenticator";
import { tokenOps as ops, type CreateTokenInput, type TokenView, type TokenWithValue, type UpdateTokenInput } from "./schemas";
import { parseTtl } from "./ttl";

export type { TokenView } from "./schemas";

export interface TokenServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "require" | "requireSomewhere" | "requireIn">;
  audit: Pick<AuditWriter, "append">;
  cache: Pick<PrincipalCache, "dropToken" | "clear" | "stats">;
  outbox: Pick<Outbox, "transaction">;
  principals: Pick<TokenAuthenticator, "principalOf">;
  /** Other processes drop the same cache entries. */
  bus: InvalidationPublisher;
}

export function toTokenView(row: TokenRow, now = new Date()): TokenView {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.prefix,
    is_admin: row.isAdmin,
    capabilities: parseCapabilities(row.capabilities),
    realms: JSON.parse(row.realms) as string[],
    rate_limit: row.rateLimit,
    status,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    created_by: row.createdBy,
  };
}

export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  /**
   * Creates a token on behalf of the actor: `tokens:create` where the token will apply (in
   * each named realm, or everywhere for "*"), and never more than the actor holds there.
   * The value is returned once.
   */
  async create(actor: Actor, input: CreateTokenInput): Promise<TokenWithValue> {
    const { access, outbox, audit } = this.deps;
    const issuer = actor.principal;
    const capabilities = [...new Set(input.capabilities ?? [])];
    const realms = [...new Set(input.realms ?? [ALL_REALMS])];
    // A realm the issuer could see but that does not exist is a mistake in the request; one it cannot see stays a 404.
    const named = realms.filter((r) => r !== ALL_REALMS && canSee(issuer, r));
    const found = named.length > 0 ? await this.deps.db.realm.findMany({ where: { name: { in: named } }, select: { name: true } }) : [];
    const missing = named.filter((n) => !found.some((f) => f.name === n));
    if (missing.length > 0) throw errors.invalid(`Unknown realm(s): ${missing.join(", ")}.`, [{ field: "realms", message: "unknown realm" }]);
    await access.requireIn(actor, ops.create.capability, realms, ops.create.action);
    if (input.is_admin && !issuer.isAdmin) throw errors.forbidden("Only an admin can create an admin token.", "exceeds_issuer");
    const gap = firstGap(issuer, realms.map((realm) => ({ realm, capabilities: new Set(capabilities) })));
    if (gap) {
      const where = gap.realm === ALL_REALMS ? "in every realm" : `in realm "${gap.realm}"`;
      throw errors.forbidden(`You cannot grant "${gap.capability}" ${where}: a token never holds more than its issuer.`, "exceeds_issuer");
    }
    const seconds = input.ttl === undefined ? null : parseTtl(input.ttl);
    const expiresAt = seconds === null ? null : new Date(Date.now() + seconds * 1000);
    const value = generateToken("arc_");
    const row = await outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.token.create({
        data: {
          id: newId("tok"),
          name: input.name,
          description: input.description ?? "",
          prefix: displayPrefix(value),
          hash: hashToken(value),
          isAdmin: input.is_admin ?? false,
          capabilities: JSON.stringify(capabilities),
          realms: JSON.stringify(realms),
          rateLimit: input.rate_limit ?? null,
          createdBy: issuer.subject,
          expiresAt,
        },
      });
      emit("auth.token_created", {
        data: { token_id: created.id, name: created.name, capabilities, realms, is_admin: created.isAdmin, expires_at: created.expiresAt?.toISOString() ?? null },
      });
      return created;
    });
    await auditSuccess(audit, actor, ops.create.action, { resource: `token:${row.id}`, details: { name: row.name, capabilities, realms, is_admin: row.isAdmin } });
    return { ...toTokenView(row), token: value };
  }

  async list(actor: Actor, opts: { limit: number; cursor?: string }): Promise<{ items: TokenView[]; next_cursor: string | null }> {
    // Holders of tokens:read everywhere see all tokens; others only the ones they issued.
    const everywhere = await this.deps.access.requireSomewhere(actor, ops.list.capability, ops.list.action);
    const rows = await this.deps.db.token.findMany({
      where: everywhere ? {} : { createdBy: actor.principal.subject },
      orderBy: { id: "asc" },
      take: opts.limit + 1,
      ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
    });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.deps.audit, actor, ops.list.action, { details: { count: page.length } });
    return { items: page.map((r) => toTokenView(r)), next_cursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
  }

  async get(actor: Actor, id: string): Promise<TokenView> {
    const row = await this.findVisible(actor, id, ops.get.capability, ops.get.action);
    await auditSuccess(this.deps.audit, actor, ops.get.action, { resource: `token:${id}` });
    return toTokenView(row);
  }

  async update(actor: Actor, id: string, patch: UpdateTokenInput): Promise<TokenView> {
    await this.requireCovers(actor, await this.findVisible(actor, id, ops.update.capability, ops.update.action), "change");
    const row = await this.deps.db.token.update({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.rate_limit !== undefined ? { rateLimit: patch.rate_limit } : {}),
      },
    });
    this.deps.cache.dropToken(id);
    await this.deps.bus.publish({ kind: "token", id });
    await auditSuccess(this.deps.audit, actor, ops.update.action, { resource: `token:${id}`, details: { fields: Object.keys(patch) } });
    return toTokenView(row);
  }

  async rotate(actor: Actor, id: string): Promise<TokenWithValue> {
    const existing = await this.findVisible(actor, id, ops.rotate.capability, ops.rotate.action);
    if (existing.revokedAt) throw errors.conflict("A revoked token cannot be rotated.", "token_revoked");
    await this.requireCovers(actor, existing, "rotate");
    const value = generateToken("arc_");
    const row = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const rotated = await tx.token.update({ where: { id }, data: { hash: hashToken(value), prefix: displayPrefix(value) } });
      emit("auth.token_rotated", { data: { token_id: id, name: rotated.name } });
      return rotated;
    });
    this.deps.cache.dropToken(id);
    await this.deps.bus.publish({ kind: "token", id });
    await auditSuccess(this.deps.audit, actor, ops.rotate.action, { resource: `token:${id}` });
    return { ...toTokenView(row), token: value };
  }

  async revoke(actor: Actor, id: string): Promise<TokenView> {
    const existing = await this.findVisible(actor, id, ops.revoke.capability, ops.revoke.action);
    await this.requireCovers(actor, existing, "revoke");
    const row = existing.revokedAt
      ? existing
      : await this.deps.outbox.transaction(actor, async (tx, emit) => {
          const revoked = await tx.token.update({ where: { id }, data: { revokedAt: new Date() } });
          emit("auth.token_revoked", { data: { token_id: id, name: revoked.name } });
          return revoked;
        });
    this.deps.cache.dropToken(id);
    await this.deps.bus.publish({ kind: "token", id });
    await auditSuccess(this.deps.audit, actor, ops.revoke.action, { resource: `token:${id}` });
    return toTokenView(row);
  }

  async revokeAll(actor: Actor, includeSelf: boolean): Promise<{ revoked: number }> {
    await this.deps.access.require(actor, ops.revokeAll.capability, ops.revokeAll.action);
    const self = actor.principal.kind === "token" ? actor.principal.id : null;
    const result = await this.deps.outbox.transaction(actor, async (tx, emit) => {
      const victims = await tx.token.findMany({
        where: { revokedAt: null, ...(self && !includeSelf ? { id: { not: self } } : {}) },
        select: { id: true, name: true },
      });
      const updated = await tx.token.updateMany({ where: { id: { in: victims.map((v) => v.id) }, revokedAt: null }, data: { revokedAt: new Date() } });
      for (const v of victims) emit("auth.token_revoked", { data: { token_id: v.id, name: v.name } });
      return updated;
    });
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(this.deps.audit, actor, ops.revokeAll.action, { details: { revoked: result.count, include_self: includeSelf } });
    return { revoked: result.count };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const existing = await this.findVisible(actor, id, ops.delete.capability, ops.delete.action);
    await this.requireCovers(actor, existing, "delete");
    await this.deps.outbox.transaction(actor, async (tx, emit) => {
      // A token's bindings are keyed by its subject in every realm; they go with it.
      await tx.binding.deleteMany({ where: { subject: `token:${id}` } });
      await tx.token.delete({ where: { id } });
      emit("auth.token_deleted", { data: { token_id: id, name: existing.name } });
    });
    this.deps.cache.dropToken(id);
    await this.deps.bus.publish({ kind: "token", id });
    await auditSuccess(this.deps.audit, actor, ops.delete.action, { resource: `token:${id}` });
  }

  async cacheStats(actor: Actor): Promise<CacheStats> {
    await this.deps.access.require(actor, ops.cacheStats.capability, ops.cacheStats.action);
    return this.deps.cache.stats();
  }

  async invalidateCache(actor: Actor): Promise<{ invalidated: true }> {
    await this.deps.access.require(actor, ops.invalidateCache.capability, ops.invalidateCache.action);
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(this.deps.audit, actor, ops.invalidateCache.action);
    return { invalidated: true };
  }

  /**
   * Managing a token (a new value, a new limit, revoking or deleting it) needs everything it
   * holds: otherwise a token manager could take over, or lock out, a more powerful token.
   */
  private async requireCovers(actor: Actor, row: TokenRow, verb: string): Promise<void> {
    const target = await this.deps.principals.principalOf(row);
    if (!covers(actor.principal, target.grants, target.isAdmin)) {
      throw errors.forbidden(`You cannot ${verb} a token that holds more than you do.`, "exceeds_issuer");
    }
  }

  /** Holders of the capability everywhere reach every token; others only the ones they issued. */
  private async findVisible(actor: Actor, id: string, capability: Capability, action: string): Promise<TokenRow> {
    const everywhere = await this.deps.access.requireSomewhere(actor, capability, action);
    const row = await this.deps.db.token.findUnique({ where: { id } });
    if (!row || (!everywhere && row.createdBy !== actor.principal.subject)) throw errors.notFound(`Token "${id}"`, "token_not_found");
    return row;
  }
}
