/** The facade's resources: thin wrappers over the generated client, one per API area. */
import type { Core } from "./core.js";
import { segment } from "./core.js";
import type {
  AuditFilters,
  AuditPage,
  AuditVerification,
  Binding,
  CreateBindingRequest,
  CreateRoleRequest,
  CreateTokenRequest,
  Lease,
  Page,
  Realm,
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

/**
 * Dynamic credential leases, on the contract's endpoints. The server does not serve them
 * yet: until it does, these calls throw an ArcanError with status 404 (route_not_found).
 */
export class LeaseResource {
  constructor(private readonly core: Core) {}

  create(engine: string, role: string, opts: InRealm & { ttl?: string | number } = {}): Promise<Lease> {
    const body = { engine, role, ...(opts.ttl === undefined ? {} : { ttl: opts.ttl }) };
    return this.core.send("POST", `/api/v1/realms/${segment(this.core.realm(opts.realm))}/leases`, body);
  }

  async revoke(leaseId: string, opts: InRealm = {}): Promise<void> {
    await this.core.send("POST", `/api/v1/realms/${segment(this.core.realm(opts.realm))}/leases/${segment(leaseId)}/revoke`);
  }
}

function page(opts: Page): Page {
  return { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) };
}

function iso(value: string | Date): string {
  return typeof value === "string" ? value : value.toISOString();
}
