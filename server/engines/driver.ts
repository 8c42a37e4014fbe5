/**
 * The one interface every dynamic-credential engine type implements: the built-in
 * `postgres` engine (server/engines/postgres/) and every plugin engine type
 * (server/plugins/). The engine registry, the lease service and the reaper only ever
 * talk to engines through it, so a plugin engine's roles and leases work exactly as the
 * built-in one's.
 *
 * A driver never sees a request or a caller: the lease service has already done the
 * policy check, ResolveRealm and the realm-scoped store lookups, and hands the driver the
 * mount (with its write-only values decrypted) and the role.
 */
import type { ResolvedRealm } from "../store/realm-scoped";

/** JSON the lease keeps (encrypted) so the engine can revoke or renew later. */
export type EngineInternal = Record<string, unknown>;

/** A mounted engine as a driver sees it. */
export interface EngineMount {
  /** Stable id of the mount (pools and caches are keyed by it). */
  readonly id: string;
  readonly realm: ResolvedRealm;
  /** The mount's name in its realm ("pg"). */
  readonly name: string;
  readonly type: string;
  /** The full config, write-only values included (decrypted); never returned by an API. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A role of a mount. `options` is the engine-specific part (statements for postgres, free JSON for plugins). */
export interface EngineRole {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface CreateRequest {
  readonly leaseId: string;
  readonly role: EngineRole;
  readonly ttlSeconds: number;
  readonly expiresAt: Date;
}

export interface CreatedCredentials {
  /** Returned once to the caller, never stored in plaintext. */
  readonly credentials: Record<string, string>;
  /** What revoke/renew need later (stored encrypted with the lease). */
  readonly internal: EngineInternal;
}

export interface RenewRequest {
  readonly internal: EngineInternal;
  readonly ttlSeconds: number;
  readonly expiresAt: Date;
}

export interface EngineHealth {
  readonly ok: boolean;
  /** A reason a person understands; never a password or a connection string with one. */
  readonly detail: string | null;
}

export interface EngineDriver {
  readonly type: string;
  /**
   * Checks a config given to mount or PATCH (throws AppError invalid_input naming the
   * field) and says which of its keys are write-only (stored encrypted, never returned).
   */
  validateConfig(config: unknown): { config: Record<string, unknown>; writeOnly: readonly string[] };
  /** Checks a role's engine-specific options (throws AppError invalid_input naming the field). */
  validateRole(options: unknown): Record<string, unknown>;
  /** Connects once to prove the config works (mount and PATCH); throws AppError invalid_input with the driver's reason. */
  verify(mount: EngineMount): Promise<void>;
  create(mount: EngineMount, request: CreateRequest): Promise<CreatedCredentials>;
  renew(mount: EngineMount, request: RenewRequest): Promise<void>;
  /** Must end the credential in the external system before it resolves (logins and open sessions). */
  revoke(mount: EngineMount, internal: EngineInternal): Promise<void>;
  /** Sets a new root secret in the external system; returns the config keys to store (write-only ones included). */
  rotateRoot(mount: EngineMount): Promise<Record<string, unknown>>;
  health(mount: EngineMount): Promise<EngineHealth>;
  /** Drops pools or runtimes held for a mount (mount deleted or its config changed). */
  close(mountId: string): Promise<void>;
}

/** Engine types by name: `postgres` is registered at start-up, plugins register theirs when they load. */
export class EngineTypes {
  private readonly drivers = new Map<string, EngineDriver>();

  register(driver: EngineDriver): void {
    this.drivers.set(driver.type, driver);
  }

  unregister(type: string): void {
    this.drivers.delete(type);
  }

  get(type: string): EngineDriver | undefined {
    return this.drivers.get(type);
  }

  types(): string[] {
    return [...this.drivers.keys()].sort();
  }
}
