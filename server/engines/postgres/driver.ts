/**
 * The built-in `postgres` engine: short-lived PostgreSQL roles made by the role's creation
 * statements, renewed with VALID UNTIL, dropped by its revocation statements (or the
 * default revocation). It reaches PostgreSQL only through the connection manager's pool
 * for the mount, as the mount's root user.
 */
import type pg from "pg";
import { z } from "zod";
import { AppError, errors } from "../../errors";
import { fillConnectionUrl, safeReason, type ConnectionManager } from "../connections";
import type { CreateRequest, CreatedCredentials, EngineDriver, EngineHealth, EngineInternal, EngineMount, RenewRequest } from "../driver";
import { ZPostgresConfig, ZPostgresRole, type PostgresConfig, type PostgresRole } from "./schemas";
import { defaultRenewal, defaultRevocation, expirationLiteral, fillTemplate, generatePassword, generateRoleName, quoteIdent, quoteLiteral } from "./statements";

const ZInternal = z.object({ username: z.string(), revocation_statements: z.array(z.string()), renew_statements: z.array(z.string()) });

const HEALTH_TIMEOUT_MS = 3_000;
/** The advisory lock in the managed database, key ("arcn", 1). */
const ENGINE_LOCK_SQL = "SELECT pg_advisory_xact_lock(1634886510, 1)";

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join("."), message: i.message }));
  throw errors.invalid(`Invalid ${prefix}: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}.`, issues);
}

export class PostgresDriver implements EngineDriver {
  readonly type = "postgres";

  constructor(private readonly connections: ConnectionManager) {}

  validateConfig(config: unknown) {
    return { config: parseOrThrow(ZPostgresConfig, config, "config"), writeOnly: ["password"] as const };
  }

  validateRole(options: unknown): Record<string, unknown> {
    return parseOrThrow(ZPostgresRole, options, "role");
  }

  async verify(mount: EngineMount): Promise<void> {
    const config = this.config(mount);
    try {
      await this.connections.probe(this.url(config));
    } catch (err) {
      throw errors.invalid(`The engine could not connect to PostgreSQL: ${safeReason(err, [config.password])}.`, [{ field: "config", message: "connection failed" }], "engine_connection_failed");
    }
  }

  async create(mount: EngineMount, request: CreateRequest): Promise<CreatedCredentials> {
    const role = request.role.options as PostgresRole;
    const name = generateRoleName(mount.realm.name, request.role.name);
    const password = generatePassword();
    const values = { name, password, expiration: expirationLiteral(request.expiresAt) };
    await this.transaction(mount, "create the credentials", role.creation_statements.map((s) => fillTemplate(s, values)), [password]);
    return {
      credentials: { username: name, password },
      internal: { username: name, revocation_statements: role.revocation_statements, renew_statements: role.renew_statements },
    };
  }

  async renew(mount: EngineMount, request: RenewRequest): Promise<void> {
    const internal = ZInternal.parse(request.internal);
    const expiration = expirationLiteral(request.expiresAt);
    const statements = internal.renew_statements.length
      ? internal.renew_statements.map((s) => fillTemplate(s, { name: internal.username, expiration }))
      : defaultRenewal(internal.username, expiration);
    await this.transaction(mount, "renew the credentials", statements);
  }

  async revoke(mount: EngineMount, internalData: EngineInternal): Promise<void> {
    const internal = ZInternal.parse(internalData);
    if (internal.revocation_statements.length) {
      await this.transaction(mount, "revoke the credentials", internal.revocation_statements.map((s) => fillTemplate(s, { name: internal.username })));
      return;
    }
    const pool = this.pool(mount);
    // Already gone (an earlier attempt got that far): revocation is idempotent.
    const exists = await this.query(mount, pool, "check the role", "SELECT 1 FROM pg_roles WHERE rolname = $1", [internal.username]);
    if (exists.rowCount === 0) return;
    await this.transaction(mount, "revoke the credentials", defaultRevocation(internal.username));
  }

  async rotateRoot(mount: EngineMount): Promise<Record<string, unknown>> {
    const config = this.config(mount);
    const password = generatePassword();
    await this.transaction(mount, "rotate the root password", [`ALTER ROLE ${quoteIdent(config.username)} WITH PASSWORD ${quoteLiteral(password)}`], [password]);
    // Connections opened with the old password stay authenticated; drop them all.
    await this.connections.close(mount.id);
    return { ...config, password };
  }

  async health(mount: EngineMount): Promise<EngineHealth> {
    const config = this.config(mount);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<EngineHealth>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${HEALTH_TIMEOUT_MS / 1000} s` }), HEALTH_TIMEOUT_MS);
    });
    const check = this.pool(mount)
      .query("SELECT 1")
      .then(
        (): EngineHealth => ({ ok: true, detail: null }),
        (err: unknown): EngineHealth => ({ ok: false, detail: safeReason(err, [config.password]) }),
      );
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(mountId: string): Promise<void> {
    return this.connections.close(mountId);
  }

  private config(mount: EngineMount): PostgresConfig {
    return ZPostgresConfig.parse(mount.config);
  }

  private url(config: PostgresConfig): string {
    return fillConnectionUrl(config.connection_url, config.username, config.password);
  }

  private pool(mount: EngineMount): pg.Pool {
    const config = this.config(mount);
    return this.connections.pool(mount.id, { url: this.url(config), max: config.max_open_connections });
  }

  private async query(mount: EngineMount, pool: pg.Pool, what: string, text: string, params: unknown[]) {
    try {
      return await pool.query(text, params);
    } catch (err) {
      throw this.failure(mount, what, err, []);
    }
  }

  /** Runs the statements in one transaction on one pooled connection. */
  private async transaction(mount: EngineMount, what: string, statements: string[], secrets: string[] = []): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool(mount).connect();
    } catch (err) {
      throw this.failure(mount, what, err, secrets);
    }
    let broken = false;
    try {
      // Concurrent GRANTs and DROP OWNEDs on the same objects fail with "tuple concurrently
      // updated", so one engine transaction runs at a time per database (across Arcan
      // processes too). One round trip for all of it: the lock is held for as short as can be.
      await client.query(["BEGIN", ENGINE_LOCK_SQL, ...statements, "COMMIT"].join("\n;\n"));
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw this.failure(mount, what, err, secrets);
    } finally {
      client.release(broken);
    }
  }

  /** The driver's reason without any password; the cause keeps only that reason too. */
  private failure(mount: EngineMount, what: string, err: unknown, secrets: string[]): AppError {
    const reason = safeReason(err, [...secrets, String(mount.config.password ?? "")]).replace(/\.$/, "");
    return new AppError("unavailable", `PostgreSQL engine "${mount.name}" could not ${what}: ${reason}.`, { code: "engine_failed", cause: new Error(reason) });
  }
}
