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
import { DecisionOverviewService } from "./decisions/overview";
import { DecisionService } from "./decisions/service";
import { Outbox } from "./events/outbox";
import type { Metrics } from "./observability/metrics";
import { RoleService } from "./rbac/roles-service";
import { RealmService } from "./realms/service";
import { RateLimiter, type RateLimits } from "./rest/ratelimit";
import { SharedRateLimiter } from "./rest/shared-ratelimit";
import { createInvalidationBus } from "./cluster";
import { invalidationHandlers } from "./cluster/apply";
import { connectRedis, redisState, type RedisState } from "./cluster/redis";
import type { BusState, BusTransport } from "./cluster/bus";
import { SubjectDirectory } from "./rbac/subjects";
import { SessionService } from "./session/service";
import { SecretService } from "./secrets/service";
import { SyslogSink } from "./syslog/sink";
import type { Store } from "./store/client";
import { TokenAuthenticator } from "./tokens/authenticator";
import { TokenService } from "./tokens/service";
import { UserService } from "./users/service";
import { WebhookDispatcher } from "./webhooks/dispatcher";
import { WebhookService } from "./webhooks/service";

import { createPlugins } from "./plugins";
import { AgentService } from "./agents/service";
import { IssuerVerifier } from "./issuers/verify";
import { TrustedIssuerService } from "./issuers/service";
import { StsKeyStore } from "./sts/keys";
import { RevocationList } from "./sts/revocations";
import { StsService } from "./sts/service";
import { StsVerifier, type StsTokenVerifier } from "./sts/verifier";
import { DecisionLog } from "./decisions/log";
import { PolicyDirectory } from "./policies/directory";
import { PolicyEngine } from "./policies/engine";
import { PolicyService } from "./policies/service";
import { ReviewService } from "./reviews/service";
import { ConnectionManager } from "./engines/connections";
import { EngineTypes } from "./engines/driver";
import { PostgresDriver } from "./engines/postgres/driver";
import { EngineRuntime } from "./engines/runtime";
import { EngineService } from "./engines/service";
import { LeaseReaper } from "./leases/reaper";
import { LeaseRevoker } from "./leases/revoker";
import { LeaseService } from "./leases/service";
import { GatewayCredentials } from "./gateway/credentials";
import { gatewayActor, GatewayProxy } from "./gateway/proxy";
import { GatewayService } from "./gateway/service";
import { GatewayStore } from "./gateway/store";

export function createServices(deps: { config: ArcanConfig; store: Store; kms: KmsProvider; logger: Logger; metrics: Metrics }) {
  const { config, store, kms, logger, metrics } = deps;
  const db = store.db;
  // Scale-out: the invalidation bus every cache-dropping change is announced on, and Redis for shared rate limits.
  const bus = createInvalidationBus(config, logger);
  const redis = config.redis_url ? connectRedis(config.redis_url, "limiter") : null;
  const rateLimiter: RateLimits = redis ? new SharedRateLimiter({ redis, prefix: config.redis.key_prefix, metrics }) : new RateLimiter();
  const auditWriter = new AuditWriter(store, logger, (depth) => metrics.auditQueueDepth.set(depth));
  const audit = auditWriter;
  const decisions = new DecisionRecorder(db, metrics, logger);
  const realmDirectory = new RealmDirectory({ db });
  const subjectDirectory = new SubjectDirectory({ db });
  const access = new AccessGuard({ directory: realmDirectory, decisions, audit });
  const keyring = new Keyring(db, kms);
  const tokenCache = new PrincipalCache(config.auth.cache_ttl, config.auth.max_cache_size);
  const tokenAuth = new TokenAuthenticator({ db, cache: tokenCache, metrics });
  // Events: the outbox the services write in their transactions, and its two consumers.
  const outbox = new Outbox(db);
  const { retry_schedule: retrySchedule, allow_private_networks: allowPrivateNetworks } = config.webhooks;
  const dispatcher = new WebhookDispatcher(db, store.provider, kms, outbox, logger, { retrySchedule, allowPrivateNetworks });
  const syslog = config.audit.syslog_address ? new SyslogSink(db, store.provider, config.audit.syslog_address, logger, { databaseUrl: config.database_url || null }) : null;
  // Engines and leases: drivers are reached only through engineTypes (postgres built in, plugins register theirs).
  const connections = new ConnectionManager();
  const engineTypes = new EngineTypes();
  engineTypes.register(new PostgresDriver(connections));
  const engineRuntime = new EngineRuntime({ db, keyring, engineTypes });
  const leaseRevoker = new LeaseRevoker({ outbox, keyring, runtime: engineRuntime, audit, onRevokeFailed: () => leaseReaper.refreshGauge() });
  const leaseReaper: LeaseReaper = new LeaseReaper({
    db,
    provider: store.provider,
    databaseUrl: config.database_url || null,
    revoker: leaseRevoker,
    outbox,
    realms: realmDirectory,
    metrics,
    logger,
  });
  const plugins = createPlugins({ db, config: config.plugins, access, audit: audit, outbox, engineTypes, logger, bus });
  const tokens = new TokenService({ db, access, audit, cache: tokenCache, outbox, principals: tokenAuth, bus });
  // Agent authorization, identity half: agents, trusted issuers, the STS and its verifier.
  const agents = new AgentService({ db, access, audit, bus });
  const issuerVerifier = new IssuerVerifier({ db, allowPrivateNetworks: config.sts.allow_private_networks });
  const stsKeys = new StsKeyStore({ db, kms, maxTtlSeconds: config.sts.max_ttl });
  const stsRevocations = new RevocationList({ db, maxTtlSeconds: config.sts.max_ttl });
  const stsVerifier: StsTokenVerifier = new StsVerifier({ keys: stsKeys, revocations: stsRevocations, agents, defaultAudience: config.sts.audience });
  const policyEngine = new PolicyEngine();
  const policyDirectory = new PolicyDirectory({ db });
  const decisionLog = new DecisionLog({ db, settle: () => auditWriter.settle() });
  const reviews = new ReviewService({ db, access, audit, outbox, expireAfterSeconds: config.reviews.expire_after, approvalTtlSeconds: config.reviews.approval_ttl });
  const secrets = new SecretService({ db, access, audit, keyring, fast: store.fast, outbox });
  const leases = new LeaseService({
    db,
    access,
    audit,
    outbox,
    keyring,
    runtime: engineRuntime,
    revoker: leaseRevoker,
    limits: { maxPerRealm: config.leases.max_per_realm, expiringNotice: config.leases.expiring_notice },
  });
  const authorization = new DecisionService({ access, audit, outbox, recorder: decisions, engine: policyEngine, policies: policyDirectory, reviews, decisionLog, stsVerifier });
  // The gateway: routes (admin CRUD), the credentials it injects, and the proxy on the REST fast path.
  const gatewayCredentials = new GatewayCredentials({ secrets, leases, logger });
  const gateway = new GatewayService({
    store: new GatewayStore(db),
    access,
    audit,
    credentials: gatewayCredentials,
    allowPrivateNetworks: config.gateway.allow_private_networks,
    gatewayActor: () => gatewayActor("gateway", null),
  });
  const gatewayProxy = new GatewayProxy({
    gateway,
    credentials: gatewayCredentials,
    stsVerifier,
    authorization,
    audit,
    metrics,
    logger,
    rateLimiter,
    config,
    allowPrivateNetworks: config.gateway.allow_private_networks,
  });
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
    rateLimiter,
    bus,
    outbox,
    dispatcher,
    syslog,
    tokens,
    realms: new RealmService({ db, access, audit, directory: realmDirectory, keyring, outbox, bus }),
    roles: new RoleService({ db, access, audit, cache: tokenCache, outbox, bus }),
    session: new SessionService({ db, access, subjects: subjectDirectory }),
    subjects: subjectDirectory,
    secrets,
    webhooks: new WebhookService({ db, access, audit, kms, outbox, allowPrivateNetworks, attempts: dispatcher.attempts, onEndpointChanged: (id) => dispatcher.forgetKey(id) }),
    audit: new AuditService({ db, access, audit, subjects: subjectDirectory }),
    users: new UserService({ db, access, audit, cache: tokenCache, bus }),
    /** Guardian 1 for API tokens (value → principal); token management is `tokens`. */
    tokenAuth,
    decisionOverview: new DecisionOverviewService({ db, access, audit, recorder: decisions }),
    plugins: plugins.service,
    pluginRuntime: plugins.runtime,
    agents,
    trustedIssuers: new TrustedIssuerService({ db, access, audit, verifier: issuerVerifier, allowPrivateNetworks: config.sts.allow_private_networks }),
    sts: new StsService({ db, config: config.sts, tokens: tokenAuth, agents, issuers: issuerVerifier, keys: stsKeys, revocations: stsRevocations, access, audit, bus }),
    stsVerifier,
    decisionLog,
    reviews,
    policies: new PolicyService({ db, access, audit, outbox, engine: policyEngine, directory: policyDirectory, decisionLog, bus }),
    authorization,
    connections,
    engineTypes,
    engineRuntime,
    leaseReaper,
    engines: new EngineService({ db, access, audit, outbox, engineTypes, runtime: engineRuntime, revoker: leaseRevoker }),
    leases,
    gateway,
    gatewayCredentials,
    gatewayProxy,
    /** Subscribes to other processes' invalidations (before the port opens, so no request is served from an unwatched cache). */
    async startCluster(): Promise<void> {
      await redis?.connect().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "Redis not reachable at start; rate limits counted in this process until it is"));
      const applied = (kind: string) => metrics.busInvalidations.labels(kind).inc();
      await bus.start(invalidationHandlers({ principals: tokenCache, realms: realmDirectory, agents, stsRevocations, policies: policyDirectory, plugins: plugins.runtime, logger, onApplied: applied }));
    },
    async stopCluster(): Promise<void> {
      await bus.stop();
      redis?.disconnect();
    },
    /** /ready: the store answers and the key-encryption key is usable; the bus and Redis are reported (degraded, still ready). */
    async ready(): Promise<ReadyChecks> {
      const [storeOk, keyOk] = await Promise.all([store.ping(), keyring.healthy()]);
      const busState = bus.state();
      metrics.busState.set(busState === "ok" ? 1 : 0);
      return { store: storeOk, key: keyOk, kms: keyOk, bus: busState, bus_transport: bus.transport, redis: redisState(redis) };
    },
  };
}

export type Services = ReturnType<typeof createServices>;

export interface ReadyChecks {
  store: boolean;
  /** The key-encryption key (kept under its first name; `kms` is the same check). */
  key: boolean;
  kms: boolean;
  bus: BusState;
  bus_transport: BusTransport;
  redis: RedisState;
}

/**
 * What transports (REST route handlers, tRPC procedures) may use: the domain services and
 * the read-only operational views, never the store, the audit writer or other plumbing.
 */
export type DomainServices = Omit<Services, "config" | "store" | "logger" | "auditWriter" | "decisions" | "access" | "keyring" | "tokenCache" | "rateLimiter" | "bus" | "startCluster" | "stopCluster" | "outbox" | "dispatcher" | "syslog" | "pluginRuntime" | "connections" | "engineTypes" | "engineRuntime" | "leaseReaper" | "decisionLog" | "gatewayCredentials" | "gatewayProxy">;

const GLOBAL_KEY = Symbol.for("arcan.services");

/** Makes this process's services reachable from code Next bundles separately (console/runtime.ts reads them). */
export function publishServices(services: Services): void {
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = services;
}
