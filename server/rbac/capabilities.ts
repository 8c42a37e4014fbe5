/** The contract's capability names. `admin` implies every other capability. */
import { z } from "zod";

export const CAPABILITIES = [
  "secrets:read",
  "secrets:write",
  "secrets:delete",
  "leases:create",
  "leases:read",
  "leases:revoke",
  "tokens:create",
  "tokens:read",
  "tokens:revoke",
  "realms:read",
  "realms:write",
  "roles:read",
  "roles:write",
  "audit:read",
  "engines:read",
  "engines:manage",
  "plugins:read",
  "plugins:manage",
  "webhooks:read",
  "webhooks:manage",
  "policies:read",
  "policies:write",
  "decisions:evaluate",
  "reviews:decide",
  "admin",
  "agents:read",
  "agents:manage",
] as const;

export type Capability = (typeof CAPABILITIES)[number];

export const ZCapability = z.enum(CAPABILITIES);

export function isCapability(value: string): value is Capability {
  return (CAPABILITIES as readonly string[]).includes(value);
}

/** Roles every fresh store starts with. Built-in roles cannot be changed or deleted. */
export const BUILTIN_ROLES: { name: string; description: string; capabilities: Capability[] }[] = [
  { name: "admin", description: "Everything, in every realm it is bound to.", capabilities: ["admin"] },
  {
    name: "read-only",
    description: "Reads metadata and secrets; changes nothing.",
    capabilities: ["secrets:read", "leases:read", "tokens:read", "realms:read", "roles:read", "audit:read", "engines:read", "plugins:read", "webhooks:read", "policies:read"],
  },
  { name: "secrets-reader", description: "Reads secrets.", capabilities: ["realms:read", "secrets:read"] },
  { name: "secrets-writer", description: "Reads, writes and deletes secrets.", capabilities: ["realms:read", "secrets:read", "secrets:write", "secrets:delete"] },
  { name: "auditor", description: "Searches the audit log and verifies its chain.", capabilities: ["realms:read", "audit:read", "roles:read", "tokens:read"] },
  { name: "token-manager", description: "Creates, lists and revokes tokens within its own rights.", capabilities: ["tokens:create", "tokens:read", "tokens:revoke"] },
];

/** One row of a domain's operations table (`server/<domain>/schemas.ts`): what it needs, what the audit log calls it. */
export interface Operation {
  readonly capability: Capability;
  readonly action: string;
}

/** The capability enum as one named schema in the OpenAPI document (tokens and roles use it). */
export const ZCapabilityName = ZCapability.meta({ id: "Capability", description: "A permission a token or role grants" });
