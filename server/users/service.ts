/**
 * Console operators: people who sign in with a name and password (argon2id). An operator
 * is the RBAC subject `user:<name>`; what it may do comes only from its role bindings.
 * Managing operators needs the `admin` capability.
 */
import { hash, verify, type Algorithm } from "@node-rs/argon2";
import type { AccessGuard } from "../access/guard";
import type { PrincipalCache } from "../access/principal-cache";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { errors, parseInput } from "../errors";
import { newId } from "../ids";
import { bindingGrants } from "../rbac/grants";
import type { Actor, Principal } from "../rbac/principal";
import type { Db } from "../store/client";
import type { InvalidationPublisher } from "../cluster/bus";
import { MAX_PASSWORD, USER_NAME, userOps as ops, ZPassword, ZUserName, type CreateUserInput, type UserView } from "./schemas";

export type { UserView } from "./schemas";

// OWASP's argon2id baseline (19 MiB, 2 passes): about 30 ms here, cheap enough per sign-in.
// Algorithm is an ambient const enum (not usable with isolatedModules); 2 is Argon2id.
const ARGON2 = { algorithm: 2 satisfies Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export type PasswordCheck = { ok: true; principal: Principal } | { ok: false; reason: "invalid" | "disabled" };

type UserRow = NonNullable<Awaited<ReturnType<Db["user"]["findUnique"]>>>;

const view = (u: UserRow): UserView => ({
  name: u.name,
  subject: `user:${u.name}`,
  disabled: u.disabled,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
});

/** Cache key for an operator's principal in the shared principal cache (token keys are hex hashes). */
const cacheKey = (name: string) => `user:${name}`;

export interface UserServiceDeps {
  db: Db;
  access: Pick<AccessGuard, "require">;
  audit: Pick<AuditWriter, "append">;
  cache: Pick<PrincipalCache, "get" | "set" | "clear">;
  bus: InvalidationPublisher;
}

export class UserService {
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly deps: UserServiceDeps) {}

  async list(actor: Actor): Promise<UserView[]> {
    await this.deps.access.require(actor, ops.list.capability, ops.list.action);
    const rows = await this.deps.db.user.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.deps.audit, actor, ops.list.action, { details: { count: rows.length } });
    return rows.map(view);
  }

  async create(actor: Actor, input: CreateUserInput): Promise<UserView> {
    const { db, access, audit } = this.deps;
    await access.require(actor, ops.create.capability, ops.create.action);
    const name = parseInput(ZUserName, input.name, "name");
    const password = parseInput(ZPassword, input.password, "password");
    if (await db.user.findUnique({ where: { name } })) throw errors.conflict(`An operator named "${name}" already exists.`, "user_exists");
    const row = await db.user.create({ data: { id: newId("usr"), name, passwordHash: await hash(password, ARGON2) } });
    await auditSuccess(audit, actor, ops.create.action, { resource: `user:${row.name}` });
    return view(row);
  }

  async setDisabled(actor: Actor, name: string, disabled: boolean): Promise<UserView> {
    const op = disabled ? ops.disable : ops.enable;
    await this.deps.access.require(actor, op.capability, op.action);
    const existing = await this.find(name);
    if (disabled && actor.principal.subject === `user:${name}`) throw errors.conflict("You cannot disable yourself.", "user_self");
    const row = await this.deps.db.user.update({ where: { id: existing.id }, data: { disabled } });
    // The cache has no per-key delete; clearing it is what role changes do as well.
    this.deps.cache.clear();
    await this.deps.bus.publish({ kind: "principals" });
    await auditSuccess(this.deps.audit, actor, op.action, { resource: `user:${name}` });
    return view(row);
  }

  async resetPassword(actor: Actor, name: string, password: string): Promise<UserView> {
    await this.deps.access.require(actor, ops.resetPassword.capability, ops.resetPassword.action);
    const checked = parseInput(ZPassword, password, "password");
    const existing = await this.find(name);
    const row = await this.deps.db.user.update({ where: { id: existing.id }, data: { passwordHash: await hash(checked, ARGON2) } });
    await auditSuccess(this.deps.audit, actor, ops.resetPassword.action, { resource: `user:${name}` });
    return view(row);
  }

  /** Sign-in: the same work whether or not the operator exists, so timing tells nothing. */
  async checkPassword(name: string, password: string): Promise<PasswordCheck> {
    const row = USER_NAME.test(name) ? await this.deps.db.user.findUnique({ where: { name } }) : null;
    const stored = row?.passwordHash ?? (await this.fallbackHash());
    const matches = await verify(stored, password.slice(0, MAX_PASSWORD)).catch(() => false);
    if (!row || !matches) return { ok: false, reason: "invalid" };
    if (row.disabled) return { ok: false, reason: "disabled" };
    const principal = await this.principalOf(row);
    return { ok: true, principal };
  }

  /**
   * The operator's principal for a signed-in session, or null once the operator is
   * disabled or deleted. Cached for the principal-cache TTL like token principals.
   */
  async sessionPrincipal(name: string): Promise<Principal | null> {
    const cached = this.deps.cache.get(cacheKey(name));
    if (cached) return cached;
    const row = await this.deps.db.user.findUnique({ where: { name } });
    if (!row || row.disabled) return null;
    return this.principalOf(row);
  }

  private async principalOf(row: UserRow): Promise<Principal> {
    const subject = `user:${row.name}`;
    const principal: Principal = {
      subject,
      kind: "user",
      id: row.id,
      name: row.name,
      isAdmin: false,
      grants: await bindingGrants(this.deps.db, subject),
      rateLimit: null,
      expiresAt: null,
    };
    this.deps.cache.set(cacheKey(row.name), principal);
    return principal;
  }

  private async find(name: string): Promise<UserRow> {
    const row = USER_NAME.test(name) ? await this.deps.db.user.findUnique({ where: { name } }) : null;
    if (!row) throw errors.notFound(`Operator "${name}"`, "user_not_found");
    return row;
  }

  private fallbackHash(): Promise<string> {
    this.dummyHash ??= hash("arcan-no-such-operator", ARGON2);
    return this.dummyHash;
  }
}
