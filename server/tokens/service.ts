/**
 * API tokens: create (subset rule), list, get, update, rotate, revoke, revoke-all,
 * delete, verify, and authentication with the in-memory cache.
 */
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { displayPrefix, generateToken, hashToken, isPlausibleToken, constantTimeEqual } from "../crypto/token-format";
import { errors } from "../errors";
import type { Outbox } from "../events/outbox";
import { newId } from "../ids";
import type { Metrics } from "../observability/metrics";
import type { AccessGuard } from "../rbac/access";
import type { Capability } from "../rbac/capabilities";
import { bindingGrants, parseCapabilities } from "../rbac/grants";
import { ALL_REALMS, holds, type Actor, type Principal } from "../rbac/principal";
import type { Db } from "../store/client";
import type { CacheStats, TokenCache } from "./cache";
import { parseTtl } from "./ttl";

type TokenRow = NonNullable<Awaited<ReturnType<Db["token"]["findUnique"]>>>;

export interface TokenView {
  id: string;
  name: string;
  description: string;
  prefix: string;
  is_admin: boolean;
  capabilities: Capability[];
  realms: string[];
  rate_limit: number | null;
  status: "active" | "expired" | "revoked";
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
  created_by: string;
}

export interface CreateTokenInput {
  name: string;
  description?: string;
  ttl?: string | number;
  capabilities?: Capability[];
  realms?: string[];
  isAdmin?: boolean;
  rateLimit?: number | null;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: "invalid" | "expired" | "revoked" };

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
  private lastUsed = new Map<string, number>();
  private readonly cacheHits: ReturnType<Metrics["tokenCache"]["labels"]>;
  private readonly cacheMisses: ReturnType<Metrics["tokenCache"]["labels"]>;

  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
    private readonly cache: TokenCache,
    metrics: Metrics,
    private readonly outbox: Outbox,
  ) {
    this.cacheHits = metrics.tokenCache.labels("hit");
    this.cacheMisses = metrics.tokenCache.labels("miss");
  }

  async authenticate(value: string): Promise<AuthResult> {
    // Only validated tokens are ever cached, so a hit needs no checksum check.
    const hash = hashToken(value);
    const cached = this.cache.get(hash);
    if (cached) {
      this.cacheHits.inc();
      this.lastUsed.set(cached.id, Date.now());
      return { ok: true, principal: cached };
    }
    if (!isPlausibleToken(value)) return { ok: false, reason: "invalid" };
    this.cacheMisses.inc();
    const row = await this.db.token.findUnique({ where: { hash } });
    if (!row || !constantTimeEqual(row.hash, hash)) return { ok: false, reason: "invalid" };
    if (row.revokedAt) return { ok: false, reason: "revoked" };
    if (row.expiresAt && row.expiresAt <= new Date()) return { ok: false, reason: "expired" };
    const principal = await this.principalOf(row);
    this.cache.set(hash, principal);
    this.lastUsed.set(row.id, Date.now());
    return { ok: true, principal };
  }

  async principalOf(row: TokenRow): Promise<Principal> {
    const subject = `token:${row.id}`;
    const own = parseCapabilities(row.capabilities);
    const realms = JSON.parse(row.realms) as string[];
    const grants = [...realms.map((realm) => ({ realm, capabilities: new Set(own) })), ...(await bindingGrants(this.db, subject))];
    return { subject, kind: "token", id: row.id, name: row.name, isAdmin: row.isAdmin, grants, rateLimit: row.rateLimit, expiresAt: row.expiresAt };
  }

  /** Creates a token on behalf of `issuer`: never more than the issuer holds. The value is returned once. */
  async create(actor: Actor, input: CreateTokenInput): Promise<TokenView & { token: string }> {
    await this.access.require(actor, "tokens:create", "token.create");
    const issuer = actor.principal;
    const capabilities = [...new Set(input.capabilities ?? [])];
    const realms = [...new Set(input.realms ?? [ALL_REALMS])];
    if (realms.length === 0) throw errors.invalid("realms must name at least one realm, or \"*\".", [{ field: "realms", message: "empty" }]);
    if (input.isAdmin && !issuer.isAdmin) throw errors.forbidden("Only an admin can create an admin token.", "exceeds_issuer");
    for (const capability of capabilities) {
      for (const realm of realms) {
        if (!holds(issuer, capability, realm === ALL_REALMS ? null : realm)) {
          const where = realm === ALL_REALMS ? "in every realm" : `in realm "${realm}"`;
          throw errors.forbidden(`You cannot grant "${capability}" ${where}: a token never holds more than its issuer.`, "exceeds_issuer");
        }
      }
    }
    const named = realms.filter((r) => r !== ALL_REALMS);
    if (named.length > 0) {
      const found = await this.db.realm.findMany({ where: { name: { in: named } }, select: { name: true } });
      const missing = named.filter((n) => !found.some((f) => f.name === n));
      if (missing.length > 0) throw errors.invalid(`Unknown realm(s): ${missing.join(", ")}.`, [{ field: "realms", message: "unknown realm" }]);
    }
    let expiresAt: Date | null = null;
    if (input.ttl !== undefined) {
      const seconds = parseTtl(input.ttl);
      if (seconds === null) throw errors.invalid('ttl must look like "90d", "12h", "30m" or a number of seconds.', [{ field: "ttl", message: "not a TTL" }]);
      expiresAt = new Date(Date.now() + seconds * 1000);
    }
    const value = generateToken("arc_");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.token.create({
        data: {
          id: newId("tok"),
          name: input.name,
          description: input.description ?? "",
          prefix: displayPrefix(value),
          hash: hashToken(value),
          isAdmin: input.isAdmin ?? false,
          capabilities: JSON.stringify(capabilities),
          realms: JSON.stringify(realms),
          rateLimit: input.rateLimit ?? null,
          createdBy: issuer.subject,
          expiresAt,
        },
      });
      emit("auth.token_created", {
        data: { token_id: created.id, name: created.name, capabilities, realms, is_admin: created.isAdmin, expires_at: created.expiresAt?.toISOString() ?? null },
      });
      return created;
    });
    await auditSuccess(this.audit, actor, "token.create", { resource: `token:${row.id}`, details: { name: row.name, capabilities, realms, is_admin: row.isAdmin } });
    return { ...toTokenView(row), token: value };
  }

  async list(actor: Actor, opts: { limit: number; cursor?: string }): Promise<{ items: TokenView[]; next_cursor: string | null }> {
    const scope = await this.readScope(actor, "token.list");
    const rows = await this.db.token.findMany({
      where: scope,
      orderBy: { id: "asc" },
      take: opts.limit + 1,
      ...(opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}),
    });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.audit, actor, "token.list", { details: { count: page.length } });
    return { items: page.map((r) => toTokenView(r)), next_cursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
  }

  async get(actor: Actor, id: string): Promise<TokenView> {
    const row = await this.findVisible(actor, id, "tokens:read", "token.read");
    await auditSuccess(this.audit, actor, "token.read", { resource: `token:${id}` });
    return toTokenView(row);
  }

  async update(actor: Actor, id: string, patch: { name?: string; description?: string; rateLimit?: number | null }): Promise<TokenView> {
    await this.requireCovers(actor, await this.findVisible(actor, id, "tokens:create", "token.update"), "change");
    const row = await this.db.token.update({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.rateLimit !== undefined ? { rateLimit: patch.rateLimit } : {}),
      },
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.update", { resource: `token:${id}`, details: { fields: Object.keys(patch) } });
    return toTokenView(row);
  }

  async rotate(actor: Actor, id: string): Promise<TokenView & { token: string }> {
    const existing = await this.findVisible(actor, id, "tokens:create", "token.rotate");
    if (existing.revokedAt) throw errors.conflict("A revoked token cannot be rotated.", "token_revoked");
    await this.requireCovers(actor, existing, "rotate");
    const value = generateToken("arc_");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const rotated = await tx.token.update({ where: { id }, data: { hash: hashToken(value), prefix: displayPrefix(value) } });
      emit("auth.token_rotated", { data: { token_id: id, name: rotated.name } });
      return rotated;
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.rotate", { resource: `token:${id}` });
    return { ...toTokenView(row), token: value };
  }

  async revoke(actor: Actor, id: string): Promise<TokenView> {
    const existing = await this.findVisible(actor, id, "tokens:revoke", "token.revoke");
    await this.requireCovers(actor, existing, "revoke");
    const row = existing.revokedAt
      ? existing
      : await this.outbox.transaction(actor, async (tx, emit) => {
          const revoked = await tx.token.update({ where: { id }, data: { revokedAt: new Date() } });
          emit("auth.token_revoked", { data: { token_id: id, name: revoked.name } });
          return revoked;
        });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.revoke", { resource: `token:${id}` });
    return toTokenView(row);
  }

  async revokeAll(actor: Actor, includeSelf: boolean): Promise<{ revoked: number }> {
    await this.access.require(actor, "admin", "token.revoke_all");
    const self = actor.principal.kind === "token" ? actor.principal.id : null;
    const result = await this.outbox.transaction(actor, async (tx, emit) => {
      const victims = await tx.token.findMany({
        where: { revokedAt: null, ...(self && !includeSelf ? { id: { not: self } } : {}) },
        select: { id: true, name: true },
      });
      const updated = await tx.token.updateMany({ where: { id: { in: victims.map((v) => v.id) }, revokedAt: null }, data: { revokedAt: new Date() } });
      for (const v of victims) emit("auth.token_revoked", { data: { token_id: v.id, name: v.name } });
      return updated;
    });
    this.cache.clear();
    await auditSuccess(this.audit, actor, "token.revoke_all", { details: { revoked: result.count, include_self: includeSelf } });
    return { revoked: result.count };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const existing = await this.findVisible(actor, id, "tokens:revoke", "token.delete");
    await this.requireCovers(actor, existing, "delete");
    await this.outbox.transaction(actor, async (tx, emit) => {
      await tx.binding.deleteMany({ where: { subject: `token:${id}` } });
      await tx.token.delete({ where: { id } });
      emit("auth.token_deleted", { data: { token_id: id, name: existing.name } });
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.delete", { resource: `token:${id}` });
  }

  async cacheStats(actor: Actor): Promise<CacheStats> {
    await this.access.require(actor, "admin", "token_cache.stats");
    return this.cache.stats();
  }

  async invalidateCache(actor: Actor): Promise<{ invalidated: true }> {
    await this.access.require(actor, "admin", "token_cache.invalidate");
    this.cache.clear();
    await auditSuccess(this.audit, actor, "token_cache.invalidate");
    return { invalidated: true };
  }

  /** Flushes last-used times gathered in memory (called every few seconds, and at shutdown). */
  async flushLastUsed(): Promise<void> {
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    for (const [id, at] of batch) await this.db.token.updateMany({ where: { id }, data: { lastUsedAt: new Date(at) } });
  }

  /**
   * Managing a token (a new value, a new limit, revoking or deleting it) needs everything it
   * holds: otherwise a token manager could take over, or lock out, a more powerful token.
   */
  private async requireCovers(actor: Actor, row: TokenRow, verb: string): Promise<void> {
    const target = await this.principalOf(row);
    const exceeds = target.grants.some((g) => [...g.capabilities].some((c) => !holds(actor.principal, c, g.realm === ALL_REALMS ? null : g.realm)));
    if ((target.isAdmin && !actor.principal.isAdmin) || exceeds) {
      throw errors.forbidden(`You cannot ${verb} a token that holds more than you do.`, "exceeds_issuer");
    }
  }

  /** Token holders with tokens:read everywhere see all tokens; others only the ones they issued. */
  private async readScope(actor: Actor, action: string): Promise<{ createdBy?: string }> {
    return (await this.access.requireSomewhere(actor, "tokens:read", action)) ? {} : { createdBy: actor.principal.subject };
  }

  private async findVisible(actor: Actor, id: string, capability: Capability, action: string): Promise<TokenRow> {
    const everywhere = await this.access.requireSomewhere(actor, capability, action);
    const row = await this.db.token.findUnique({ where: { id } });
    if (!row || (!everywhere && row.createdBy !== actor.principal.subject)) throw errors.notFound(`Token "${id}"`, "token_not_found");
    return row;
  }
}
