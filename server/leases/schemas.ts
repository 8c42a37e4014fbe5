/**
 * The leases contract: dynamic credentials issued by an engine mount, renewed, revoked.
 * REST routes, tRPC procedures, the lease service's types and the console import it.
 */
import { z } from "zod";
import { ZEngineName, ZRealmName, ZRoleName, ZTtl } from "../engines/schemas";

export const leaseOps = {
  create: { capability: "leases:create", action: "lease.create" },
  list: { capability: "leases:read", action: "lease.list" },
  get: { capability: "leases:read", action: "lease.read" },
  renew: { capability: "leases:create", action: "lease.renew" },
  revoke: { capability: "leases:revoke", action: "lease.revoke" },
  revokePrefix: { capability: "leases:revoke", action: "lease.revoke_prefix" },
  forget: { capability: "leases:revoke", action: "lease.forget" },
} as const;

export const LEASE_STATES = ["active", "revoked", "expired", "revoke_failed"] as const;
export type LeaseState = (typeof LEASE_STATES)[number];

/** Failed revocations are retried after these waits; the sixth failure makes the lease revoke_failed. */
export const REVOKE_BACKOFF_SECONDS = [5, 30, 120, 600, 3600] as const;
export const MAX_REVOKE_ATTEMPTS = 6;

export const ZLeaseId = z.string().regex(/^lea_[0-9a-f]{32}$/, "not a lease id").meta({ examples: ["lea_0193a4b2c5d6e7f8a9b0c1d2e3f4a5b6"] });
export const ZLeaseParams = z.strictObject({ realm: ZRealmName, id: ZLeaseId });
export const ZLeaseRealmParams = z.strictObject({ realm: ZRealmName });

export const ZLeaseCreate = z
  .strictObject({ engine: ZEngineName, role: ZRoleName, ttl: ZTtl.optional().describe("Default: the role's default_ttl; capped by its max_ttl") })
  .meta({ id: "CreateLeaseRequest", examples: [{ engine: "pg", role: "readonly", ttl: "1h" }] });
export type LeaseCreateInput = z.output<typeof ZLeaseCreate>;

export const ZLeaseRenew = z
  .strictObject({ increment: ZTtl.optional().describe("Extends from now; default: the lease's original TTL; never past issued_at + max_ttl") })
  .meta({ id: "RenewLeaseRequest", examples: [{ increment: "30m" }] });
export type LeaseRenewInput = z.output<typeof ZLeaseRenew>;

export const ZLeaseRevokePrefix = z.strictObject({ engine: ZEngineName, role: ZRoleName.optional() }).meta({ id: "RevokeLeasePrefixRequest", examples: [{ engine: "pg", role: "readonly" }] });
export type LeaseRevokePrefixInput = z.output<typeof ZLeaseRevokePrefix>;

export const ZLeaseListQuery = z.strictObject({
  engine: ZEngineName.optional(),
  role: ZRoleName.optional(),
  state: z.enum(LEASE_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: ZLeaseId.optional(),
});
export type LeaseListQuery = z.output<typeof ZLeaseListQuery>;

export const ZLease = z
  .object({
    lease_id: z.string(),
    engine: z.string(),
    role: z.string(),
    state: z.enum(LEASE_STATES),
    issued_at: z.string(),
    expires_at: z.string(),
    renewed_at: z.string().nullable(),
    revoke_attempts: z.number().int(),
    last_error: z.string().nullable(),
  })
  .meta({ id: "Lease", description: "A lease without its credentials" });
export type LeaseView = z.output<typeof ZLease>;

export const ZLeaseWithWarnings = ZLease.extend({ warnings: z.array(z.string()).optional() }).meta({ id: "RenewedLease" });

export const ZCreatedLease = z
  .object({
    lease_id: z.string(),
    engine: z.string(),
    role: z.string(),
    credentials: z.record(z.string(), z.string()).describe("Shown only in this answer"),
    issued_at: z.string(),
    expires_at: z.string(),
    renewable: z.boolean(),
    warnings: z.array(z.string()).optional().describe("Present when the TTL asked for was cut to the role's max_ttl"),
  })
  .meta({ id: "CreatedLease" });
export type CreatedLease = z.output<typeof ZCreatedLease>;

export const ZLeaseList = z.object({ items: z.array(ZLease), next_cursor: z.string().nullable() }).meta({ id: "LeaseList" });
export const ZRevokePrefixResult = z
  .object({ revoked: z.array(z.string()), failed: z.array(z.object({ lease_id: z.string(), error: z.string() })) })
  .meta({ id: "RevokeLeasePrefixResult" });
export type RevokePrefixResult = z.output<typeof ZRevokePrefixResult>;
