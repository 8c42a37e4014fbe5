/**
 * The service container: one instance of every domain service per process, shared by the
 * REST app and the console's tRPC routers (which reach it through `getServices()`, since
 * Next bundles route code separately from this process's own modules).
 */
import type { Logger } from "pino";
import { AuditService } from "./audit/service";
import { AuditWriter } from "./audit/writer";
import type { ArcanConfig } from "./config/config";
import { Keyring } from "./crypto/keyring";
import type { KmsProvider } from "./crypto/kms";
import { DecisionRecorder } from "./decisions/recorder";
import { Outbox } from "./events/outbox";
import type { Metrics } from "./observability/metrics";
import { AccessGuard } from "./rbac/access";
import { RoleService } from "./rbac/roles-service";
import { RealmDirectory } from "./realms/directory";
import { RealmService } from "./realms/service";
import { RateLimiter } from "./rest/ratelimit";
import { SecretService } from "./secrets/service";
import { SyslogSink } from "./syslog/sink";
import type { Store } from "./store/client";
import { TokenCache } from "./tokens/cache";
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
import { DecisionService } from "./decisions/service";
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

export function createServices(deps: { config: ArcanConfig; store: Store; kms: KmsProvider; logger: Logger; metrics: Metrics }) {
  const { config, store, kms, logger, metrics } = deps;
  const db = store.db;
  const auditWriter = new AuditWriter(store, logger, (depth) => metrics.auditQueueDepth.set(depth));
  const decisions = new DecisionRecorder(db, metrics, logger);
  const realmDirectory = new RealmDirectory(db);
  const access = new AccessGuard(realmDirectory, decisions, auditWriter);
  const keyring = new Keyring(db, kms);
  const tokenCache = new TokenCache(config.auth.cache_ttl, config.auth.max_cache_size);
  // Events: the outbox the services write in their transactions, and its two consumers.
  const outbox = new Outbox(db);
  const { retry_schedule: retrySchedule, allow_private_networks: allowPrivateNetworks } = config.webhooks;
  const dispatcher = new WebhookDispatcher(db, store.provider, kms, outbox, logger, { retrySchedule, allowPrivateNetworks });
  // Engines and leases: drivers are reached only through engineTypes (postgres built in, plugins register theirs).
  const connections = new ConnectionManager();
  const engineTypes = new EngineTypes();
  engineTypes.register(new PostgresDriver(connections));
  const engineRuntime = new EngineRuntime({ db, keyring, engineTypes });
  const leaseRevoker = new LeaseRevoker({ outbox, keyring, runtime: engineRuntime, audit: auditWriter, onRevokeFailed: () => leaseReaper.refreshGauge() });
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
  const syslog = config.audit.syslog_address ? new SyslogSink(db, store.provider, config.audit.syslog_address, logger) : null;
  const plugins = createPlugins({ db, config: config.plugins, access, audit: auditWriter, outbox, engineTypes, logger });
  const tokens = new TokenService(db, access, auditWriter, tokenCache, metrics, outbox);
  // Agent authorization, identity half: agents, trusted issuers, the STS and its verifier.
  const agents = new AgentService({ db, access, audit: auditWriter });
  const issuerVerifier = new IssuerVerifier({ db, allowPrivateNetworks: config.sts.allow_private_networks });
  const stsKeys = new StsKeyStore({ db, kms, maxTtlSeconds: config.sts.max_ttl });
  const stsRevocations = new RevocationList({ db, maxTtlSeconds: config.sts.max_ttl });
  const stsVerifier: StsTokenVerifier = new StsVerifier({ keys: stsKeys, revocations: stsRevocations, agents, defaultAudience: config.sts.audience });
  const policyEngine = new PolicyEngine();
  const policyDirectory = new PolicyDirectory({ db });
  const decisionLog = new DecisionLog({ db, logger });
  const reviews = new ReviewService({ db, access, audit: auditWriter, outbox, expireAfterSeconds: config.reviews.expire_after, approvalTtlSeconds: config.reviews.approval_ttl });
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
    tokens,
    realms: new RealmService(db, access, auditWriter, realmDirectory, keyring, outbox),
    roles: new RoleService(db, access, auditWriter, tokenCache, outbox),
    secrets: new SecretService(db, access, auditWriter, keyring, store.fast, outbox),
    webhooks: new WebhookService(db, access, auditWriter, kms, outbox, allowPrivateNetworks, (id) => dispatcher.forgetKey(id)),
    audit: new AuditService(db, access, auditWriter),
    users: new UserService(db, access, auditWriter, tokenCache),
    plugins: plugins.service,
    pluginRuntime: plugins.runtime,
    agents,
    trustedIssuers: new TrustedIssuerService({ db, access, audit: auditWriter, verifier: issuerVerifier, allowPrivateNetworks: config.sts.allow_private_networks }),
    sts: new StsService({ db, config: config.sts, tokens, agents, issuers: issuerVerifier, keys: stsKeys, revocations: stsRevocations, access, audit: auditWriter }),
    stsVerifier,
    decisionLog,
    reviews,
    policies: new PolicyService({ db, access, audit: auditWriter, outbox, engine: policyEngine, directory: policyDirectory, decisionLog }),
    authorization: new DecisionService({ access, audit: auditWriter, outbox, recorder: decisions, engine: policyEngine, policies: policyDirectory, reviews, decisionLog, stsVerifier }),
    connections,
    engineTypes,
    engineRuntime,
    leaseReaper,
    engines: new EngineService({ db, access, audit: auditWriter, outbox, engineTypes, runtime: engineRuntime, revoker: leaseRevoker }),
    leases: new LeaseService({
      db,
      access,
      audit: auditWriter,
      outbox,
      keyring,
      runtime: engineRuntime,
      revoker: leaseRevoker,
      limits: { maxPerRealm: config.leases.max_per_realm, expiringNotice: config.leases.expiring_notice },
    }),
    /** /ready: the store answers and the key-encryption key is usable. */
    async ready(): Promise<{ store: boolean; key: boolean }> {
      const [storeOk, keyOk] = await Promise.all([store.ping(), keyring.healthy()]);
      return { store: storeOk, key: keyOk };
    },
  };
}

export type Services = ReturnType<typeof createServices>;

const GLOBAL_KEY = Symbol.for("arcan.services");

export function publishServices(services: Services): void {
  (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = services;
}

/** The running process's services (for Next route handlers). */
export function getServices(): Services {
  const services = (globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as Services | undefined;
  if (!services) throw new Error("Arcan services are not running in this process");
  return services;
}
