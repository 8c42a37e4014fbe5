/**
 * Console operators: people who sign in with a name and password (argon2id). An operator
 * is the RBAC subject `user:<name>`; what it may do comes only from its role bindings.
 * Managing operators needs the `admin` capability.
 */
import { hash, verify, type Algorithm } from "@node-rs/argon2";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import { errors } from "../errors";
import { newId } from "../ids";
import type { AccessGuard } from "../rbac/access";
import { bindingGrants } from "../rbac/grants";
import type { Actor, Principal } from "../rbac/principal";
import type { Db } from "../store/client";
import type { TokenCache } from "../tokens/cache";
import { MAX_PASSWORD, MIN_PASSWORD, USER_NAME } from "./names";


// OWASP's argon2id baseline (19 MiB, 2 passes): about 30 ms here, cheap enough per sign-in.
// Algorithm is an ambient const enum (not usable with isolatedModules); 2 is Argon2id.
const ARGON2 = { algorithm: 2 satisfies Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface UserView {
  name: string;
  subject: string;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

export type PasswordCheck = { ok: true; principal: Principal } | { ok: false; reason: "invalid" | "disabled" };

type UserRow = NonNullable<Awaited<ReturnType<Db["user"]["findUnique"]>>>;

const view = (u: UserRow): UserView => ({
  name: u.name,
  subject: `user:${u.name}`,
  disabled: u.disabled,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString(),
});

/** Cache key for an operator's principal in the shared token cache (token keys are hex hashes). */
const cacheKey = (name: string) => `user:${name}`;

export class UserService {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly access: AccessGuard,
    private readonly audit: AuditWriter,
    private readonly cache: TokenCache,
  ) {}

  async list(actor: Actor): Promise<UserView[]> {
    await this.access.require(actor, "admin", "user.list");
    const rows = await this.db.user.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.audit, actor, "user.list", { details: { count: rows.length } });
    return rows.map(view);
  }

  async create(actor: Actor, input: { name: string; password: string }): Promise<UserView> {
    await this.access.require(actor, "admin", "user.create");
    checkName(input.name);
    checkPassword(input.password);
    if (await this.db.user.findUnique({ where: { name: input.name } })) {
      throw errors.conflict(`An operator named "${input.name}" already exists.`, "user_exists");
    }
    const row = await this.db.user.create({ data: { id: newId("usr"), name: input.name, passwordHash: await hash(input.password, ARGON2) } });
    await auditSuccess(this.audit, actor, "user.create", { resource: `user:${row.name}` });
    return view(row);
  }

  async setDisabled(actor: Actor, name: string, disabled: boolean): Promise<UserView> {
    const action = disabled ? "user.disable" : "user.enable";
    await this.access.require(actor, "admin", action);
    const existing = await this.find(name);
    if (disabled && actor.principal.subject === `user:${name}`) throw errors.conflict("You cannot disable yourself.", "user_self");
    const row = await this.db.user.update({ where: { id: existing.id }, data: { disabled } });
    // The cache has no per-key delete; clearing it is what role changes do as well.
    this.cache.clear();
    await auditSuccess(this.audit, actor, action, { resource: `user:${name}` });
    return view(row);
  }

  async resetPassword(actor: Actor, name: string, password: string): Promise<UserView> {
    await this.access.require(actor, "admin", "user.password_reset");
    checkPassword(password);
    const existing = await this.find(name);
    const row = await this.db.user.update({ where: { id: existing.id }, data: { passwordHash: await hash(password, ARGON2) } });
    await auditSuccess(this.audit, actor, "user.password_reset", { resource: `user:${name}` });
    return view(row);
  }

  /** Sign-in: the same work whether or not the operator exists, so timing tells nothing. */
  async checkPassword(name: string, password: string): Promise<PasswordCheck> {
    const row = USER_NAME.test(name) ? await this.db.user.findUnique({ where: { name } }) : null;
    const stored = row?.passwordHash ?? (await this.fallbackHash());
    const matches = await verify(stored, password.slice(0, MAX_PASSWORD)).catch(() => false);
    if (!row || !matches) return { ok: false, reason: "invalid" };
    if (row.disabled) return { ok: false, reason: "disabled" };
    const principal = await this.principalOf(row);
    return { ok: true, principal };
  }

  /**
   * The operator's principal for a signed-in session, or null once the operator is
   * disabled or deleted. Cached for the token-cache TTL like token principals.
   */
  async sessionPrincipal(name: string): Promise<Principal | null> {
    const cached = this.cache.get(cacheKey(name));
    if (cached) return cached;
    const row = await this.db.user.findUnique({ where: { name } });
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
      grants: await bindingGrants(this.db, subject),
      rateLimit: null,
      expiresAt: null,
    };
    this.cache.set(cacheKey(row.name), principal);
    return principal;
  }

  private async find(name: string): Promise<UserRow> {
    const row = USER_NAME.test(name) ? await this.db.user.findUnique({ where: { name } }) : null;
    if (!row) throw errors.notFound(`Operator "${name}"`, "user_not_found");
    return row;
  }

  private fallbackHash(): Promise<string> {
    this.dummyHash ??= hash("arcan-no-such-operator", ARGON2);
    return this.dummyHash;
  }
}

function checkName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw errors.invalid("A username is 1 to 64 letters, digits, '.', '_', '@' or '-'.", [{ field: "name", message: "not a valid username" }]);
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw errors.invalid(`A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.`, [{ field: "password", message: `at least ${MIN_PASSWORD} characters` }]);
  }
}
