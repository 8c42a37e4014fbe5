/**
 * The service container: one instance of every domain service per process, shared by the
 * REST app and the console's tRPC routers (the console reaches it through the process
 * global that `publishServices` sets; see server/console/runtime.ts).
 */
import type { Logger } from "pino";
import { AccessGuard } from "./access/guard";
import { PrincipalCache } from "./access/principal-cache";
import { RealmDirectory } from "./access/realm-directory";
import { AuditService } from "./audit/service";
import { AuditWriter } from "./audit/writer";
import type { ArcanConfig } from "./config/config";
import { Keyring } from "./crypto/keyring";
import type { KmsProvider } from "./crypto/kms";
import { DecisionRecorder } from "./decisions/recorder";
import { DecisionService } from "./decisions/service";
import { Outbox } from "./events/outbox";
import type { Metrics } from "./observability/metrics";
import { RoleService } from "./rbac/roles-service";
import { RealmService } from "./realms/service";
import { RateLimiter } from "./rest/ratelimit";
import { SecretService } from "./secrets/service";
import { SyslogSink } from "./syslog/sink";
import type { Store } from "./store/client";
import { TokenAuthenticator } from "./tokens/authenticator";
import { TokenService } from "./tokens/service";
import { UserService } from "./users/service";
import { WebhookDispatcher } from "./webhooks/dispatcher";
import { WebhookService } from "./webhooks/service";

export function createServices(deps: { config: ArcanConfig; store: Store; kms: KmsProvider; logger: Logger; metrics: Metrics }) {
  const { config, store, kms, logger, metrics } = deps;
  const db = store.db;
  const auditWriter = new AuditWriter(store, logger, (depth) => metrics.auditQueueDepth.set(depth));
  const audit = auditWriter;
  const decisions = new DecisionRecorder(db, metrics, logger);
  const realmDirectory = new RealmDirectory({ db });
  const access = new AccessGuard({ directory: realmDirectory, decisions, audit });
  const keyring = new Keyring(db, kms);
  const tokenCache = new PrincipalCache(config.auth.cache_ttl, config.auth.max_cache_size);
  const tokenAuth = new TokenAuthenticator({ db, cache: tokenCache, metrics });
  // Events: the outbox the services write in their transactions, and its two consumers.
  const outbox = new Outbox(db);
  const { retry_schedule: retrySchedule, allow_private_networks: allowPrivateNetworks } = config.webhooks;
  const dispatcher = new WebhookDispatcher(db, store.provider, kms, outbox, logger, { retrySchedule, allowPrivateNetworks });
  const syslog = config.audit.syslog_address ? new SyslogSink(db, store.provider, config.audit.syslog_address, logger) : null;
  return {
    config,
    store,
    logger,
    metrics,
    auditWriter,
    decisions,
    access,
    keyring,
    tokenCache,
    rateLimiter: new RateLimiter(),
    outbox,
    dispatcher,
    syslog,
    tokens: new TokenService({ db, access, audit, cache: tokenCache, outbox, principals: tokenAuth }),
    realms: new RealmService({ db, access, audit, directory: realmDirectory, keyring, outbox }),
    roles: new RoleService({ db, access, audit, cache: tokenCache, outbox }),
    secrets: new SecretService({ db, access, audit, keyring, fast: store.fast, outbox }),
    webhooks: new WebhookService({ db, access, audit, kms, outbox, allowPrivateNetworks, attempts: dispatcher.attempts, onEndpointChanged: (id) => dispatcher.forgetKey(id) }),
    audit: new AuditService({ db, access, audit }),
    users: new UserService({ db, access, audit, cache: tokenCache }),
    /** Guardian 1 for API tokens (value → principal); token management is `tokens`. */
    tokenAuth,
    decisionService: new DecisionService({ db, access, audit, recorder: decisions }),
    /** /ready: the store answers and the key-encryption key is usable. */
    async ready(): Promise<{ store: boolean; key: boolean }> {
      const [storeOk, keyOk] = await Promise.all([store.ping(), keyring.healthy()]);
      return { store: storeOk, key: keyOk };
    },
  };
}

export type Services = ReturnType<typeof createServices>;

/**
 * What transports (REST route handlers, tRPC procedures) may use: the domain services and
 * the read-only operational views, never the store, the audit writer or other plumbing.
 */
export type DomainServices = Omit<Services, "config" | "store" | "logger" | "auditWriter" | "decisions" | "access" | "keyring" | "tokenCache" | "rateLimiter" | "outbox" | "dispatcher" | "syslog">;

const GLOBAL_KEY = Symbol.for("arcan.services");

/** Makes this process's services reachable from code Next bundles separately (console/runtime.ts reads them). */
export function publishServices(services: Services): void {
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = services;
}
