/** The facade's resources: thin wrappers over the generated client, one per API area. */
import type { Core } from "./core.js";
import type {
  AuditFilters,
  AuditPage,
  AuditVerification,
  Binding,
  CreateBindingRequest,
  CreateRoleRequest,
  CreateTokenRequest,
  Engine,
  EngineRole,
  EngineRoleRequest,
  Lease,
  LeaseInfo,
  LeaseList,
  MountEngineRequest,
  Page,
  Realm,
  RenewedLease,
  RevokePrefixResult,
  Role,
  Secret,
  SecretList,
  SecretMetadata,
  SecretVersion,
  Token,
  TokenList,
  TokenUpdate,
  TokenVerification,
  TokenWithValue,
  UpdateRoleRequest,
} from "./types.js";

interface InRealm {
  realm?: string;
}

/** The KV secrets engine. */
export class KvResource {
  constructor(private readonly core: Core) {}

  /** The secret's value (a string). Use `read` for the value with its version and timestamps. */
  async get(key: string, opts: InRealm & { version?: number } = {}): Promise<string> {
    return (await this.read(key, opts)).value;
  }

  /** The secret with its metadata: `{ key, value, version, created_at, updated_at }`. */
  read(key: string, opts: InRealm & { version?: number } = {}): Promise<Secret> {
    const path = { realm: this.core.realm(opts.realm), key };
    const query = opts.version === undefined ? {} : { version: opts.version };
    return this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/secrets/{key}", { params: { path, query } }));
  }

  /** Writes a new version. `cas`: the version you expect to be current (0 = must not exist); 409 otherwise. */
  set(key: string, value: string, opts: InRealm & { cas?: number } = {}): Promise<SecretMetadata> {
    const body = opts.cas === undefined ? { value } : { value, cas: opts.cas };
    return this.core.unwrap(this.core.api.PUT("/api/v1/realms/{realm}/secrets/{key}", { params: { path: { realm: this.core.realm(opts.realm), key } }, body }));
  }

  /** One page of keys and metadata (never values); pass `next_cursor` back as `cursor` for the next. */
  list(opts: InRealm & Page = {}): Promise<SecretList> {
    return this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/secrets", { params: { path: { realm: this.core.realm(opts.realm) }, query: page(opts) } }));
  }

  async delete(key: string, opts: InRealm = {}): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/realms/{realm}/secrets/{key}", { params: { path: { realm: this.core.realm(opts.realm), key } } }));
  }

  async versions(key: string, opts: InRealm = {}): Promise<SecretVersion[]> {
    const answer = await this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/secrets/{key}/versions", { params: { path: { realm: this.core.realm(opts.realm), key } } }));
    return answer.items;
  }
}

export class TokensResource {
  constructor(private readonly core: Core) {}

  /** Creates a token; the returned `token` value is shown only this once. */
  create(input: CreateTokenRequest): Promise<TokenWithValue> {
    return this.core.unwrap(this.core.api.POST("/api/v1/auth/tokens", { body: input }));
  }

  list(opts: Page = {}): Promise<TokenList> {
    return this.core.unwrap(this.core.api.GET("/api/v1/auth/tokens", { params: { query: page(opts) } }));
  }

  get(id: string): Promise<Token> {
    return this.core.unwrap(this.core.api.GET("/api/v1/auth/tokens/{id}", { params: { path: { id } } }));
  }

  update(id: string, changes: TokenUpdate): Promise<Token> {
    return this.core.unwrap(this.core.api.PATCH("/api/v1/auth/tokens/{id}", { params: { path: { id } }, body: changes }));
  }

  /** A new value for the same id and permissions; the old value stops working at once. */
  rotate(id: string): Promise<TokenWithValue> {
    return this.core.unwrap(this.core.api.POST("/api/v1/auth/tokens/{id}/rotate", { params: { path: { id } } }));
  }

  revoke(id: string): Promise<Token> {
    return this.core.unwrap(this.core.api.POST("/api/v1/auth/tokens/{id}/revoke", { params: { path: { id } } }));
  }

  async delete(id: string): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/auth/tokens/{id}", { params: { path: { id } } }));
  }

  /** Revokes every token (admin). The caller's own token survives unless `includeSelf`. */
  revokeAll(opts: { includeSelf?: boolean } = {}): Promise<{ revoked: number }> {
    return this.core.unwrap(this.core.api.POST("/api/v1/auth/tokens/revoke-all", { body: { include_self: opts.includeSelf ?? false } }));
  }

  /** Checks the client's token; `{ valid: false }` when it is missing, invalid, expired or revoked. */
  async verify(): Promise<TokenVerification> {
    const answer = await this.core.answer(this.core.api.GET("/api/v1/auth/verify", {}));
    if (answer.response.status === 401) return { valid: false };
    return this.core.check(answer);
  }
}

export class RealmsResource {
  constructor(private readonly core: Core) {}

  async list(): Promise<Realm[]> {
    return (await this.core.unwrap(this.core.api.GET("/api/v1/realms", {}))).items;
  }

  create(input: { name: string; description?: string }): Promise<Realm> {
    return this.core.unwrap(this.core.api.POST("/api/v1/realms", { body: input }));
  }

  get(name: string): Promise<Realm> {
    return this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}", { params: { path: { realm: name } } }));
  }

  update(name: string, changes: { description?: string }): Promise<Realm> {
    return this.core.unwrap(this.core.api.PATCH("/api/v1/realms/{realm}", { params: { path: { realm: name } }, body: changes }));
  }

  /** Deletes the realm with its secrets and bindings. */
  async delete(name: string): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/realms/{realm}", { params: { path: { realm: name } } }));
  }
}

export class RolesResource {
  constructor(private readonly core: Core) {}

  async list(): Promise<Role[]> {
    return (await this.core.unwrap(this.core.api.GET("/api/v1/roles", {}))).items;
  }

  get(name: string): Promise<Role> {
    return this.core.unwrap(this.core.api.GET("/api/v1/roles/{name}", { params: { path: { name } } }));
  }

  create(input: CreateRoleRequest): Promise<Role> {
    return this.core.unwrap(this.core.api.POST("/api/v1/roles", { body: input }));
  }

  update(name: string, changes: UpdateRoleRequest): Promise<Role> {
    return this.core.unwrap(this.core.api.PATCH("/api/v1/roles/{name}", { params: { path: { name } }, body: changes }));
  }

  /** Deletes the role and its bindings. */
  async delete(name: string): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/roles/{name}", { params: { path: { name } } }));
  }
}

export class BindingsResource {
  constructor(private readonly core: Core) {}

  async list(): Promise<Binding[]> {
    return (await this.core.unwrap(this.core.api.GET("/api/v1/bindings", {}))).items;
  }

  /** Gives `subject` ("user:<name>" or "token:<id>") `role` in `realm` (or "*" for every realm). */
  create(input: CreateBindingRequest): Promise<Binding> {
    return this.core.unwrap(this.core.api.POST("/api/v1/bindings", { body: input }));
  }

  async delete(id: string): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/bindings/{id}", { params: { path: { id } } }));
  }
}

export class AuditResource {
  constructor(private readonly core: Core) {}

  /** One page of audit records, newest first. */
  search(filters: AuditFilters = {}): Promise<AuditPage> {
    const { from, to, ...rest } = filters;
    const query = { ...rest, ...(from ? { from: iso(from) } : {}), ...(to ? { to: iso(to) } : {}) };
    return this.core.unwrap(this.core.api.GET("/api/v1/audit", { params: { query } }));
  }

  /** Checks the tamper-evident chain; `first_broken` names the first bad record. */
  verify(): Promise<AuditVerification> {
    return this.core.unwrap(this.core.api.GET("/api/v1/audit/verify", {}));
  }
}

/** Dynamic credential leases issued by an engine mount's role. */
export class LeaseResource {
  constructor(private readonly core: Core) {}

  /** Issues credentials (`credentials` is shown only in this answer). A ttl above the role's max_ttl is cut, and `warnings` says so. */
  create(engine: string, role: string, opts: InRealm & { ttl?: string | number } = {}): Promise<Lease> {
    const body = { engine, role, ...(opts.ttl === undefined ? {} : { ttl: opts.ttl }) };
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/leases", { params: { path: { realm: this.core.realm(opts.realm) } }, body }));
  }

  /** Extends from now by `increment` (default: the lease's TTL), never past issued_at + the role's max_ttl. */
  renew(leaseId: string, opts: InRealm & { increment?: string | number } = {}): Promise<RenewedLease> {
    const body = opts.increment === undefined ? {} : { increment: opts.increment };
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/leases/{id}/renew", { params: { path: { realm: this.core.realm(opts.realm), id: leaseId } }, body }));
  }

  /** Revokes now: the credentials are dropped in the external system before this resolves. */
  revoke(leaseId: string, opts: InRealm = {}): Promise<LeaseInfo> {
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/leases/{id}/revoke", { params: { path: { realm: this.core.realm(opts.realm), id: leaseId } } }));
  }

  get(leaseId: string, opts: InRealm = {}): Promise<LeaseInfo> {
    return this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/leases/{id}", { params: { path: { realm: this.core.realm(opts.realm), id: leaseId } } }));
  }

  list(opts: InRealm & Page & { engine?: string; role?: string; state?: LeaseInfo["state"] } = {}): Promise<LeaseList> {
    const { realm, limit, cursor, ...filters } = opts;
    const query = { ...page({ ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) }), ...filters };
    return this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/leases", { params: { path: { realm: this.core.realm(realm) }, query } }));
  }

  /** Revokes every active lease of an engine mount (or of one of its roles). */
  revokePrefix(engine: string, opts: InRealm & { role?: string } = {}): Promise<RevokePrefixResult> {
    const body = { engine, ...(opts.role === undefined ? {} : { role: opts.role }) };
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/leases/revoke-prefix", { params: { path: { realm: this.core.realm(opts.realm) } }, body }));
  }
}

/** Engine mounts of a realm and their roles. */
export class EnginesResource {
  constructor(private readonly core: Core) {}

  /** Mounts an engine; the server connects once to check the config. Write-only values (password) are never returned. */
  mount(input: MountEngineRequest, opts: InRealm = {}): Promise<Engine> {
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/engines", { params: { path: { realm: this.core.realm(opts.realm) } }, body: input }));
  }

  async list(opts: InRealm = {}): Promise<Engine[]> {
    return (await this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/engines", { params: { path: { realm: this.core.realm(opts.realm) } } }))).items;
  }

  get(name: string, opts: InRealm = {}): Promise<Engine> {
    return this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/engines/{name}", { params: { path: { realm: this.core.realm(opts.realm), name } } }));
  }

  /** `force`: revoke the mount's active leases first (otherwise 409 while there are any). */
  async delete(name: string, opts: InRealm & { force?: boolean } = {}): Promise<void> {
    const query = { force: opts.force ? ("true" as const) : ("false" as const) };
    await this.core.unwrap(this.core.api.DELETE("/api/v1/realms/{realm}/engines/{name}", { params: { path: { realm: this.core.realm(opts.realm), name }, query } }));
  }

  rotateRoot(name: string, opts: InRealm = {}): Promise<Engine> {
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/engines/{name}/rotate-root", { params: { path: { realm: this.core.realm(opts.realm), name } } }));
  }

  createRole(engine: string, role: EngineRoleRequest, opts: InRealm = {}): Promise<EngineRole> {
    return this.core.unwrap(this.core.api.POST("/api/v1/realms/{realm}/engines/{name}/roles", { params: { path: { realm: this.core.realm(opts.realm), name: engine } }, body: role }));
  }

  async listRoles(engine: string, opts: InRealm = {}): Promise<EngineRole[]> {
    return (await this.core.unwrap(this.core.api.GET("/api/v1/realms/{realm}/engines/{name}/roles", { params: { path: { realm: this.core.realm(opts.realm), name: engine } } }))).items;
  }

  async deleteRole(engine: string, role: string, opts: InRealm = {}): Promise<void> {
    await this.core.unwrap(this.core.api.DELETE("/api/v1/realms/{realm}/engines/{name}/roles/{role}", { params: { path: { realm: this.core.realm(opts.realm), name: engine, role } } }));
  }
}

function page(opts: Page): Page {
  return { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) };
}

function iso(value: string | Date): string {
  return typeof value === "string" ? value : value.toISOString();
}
