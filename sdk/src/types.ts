/** Readable names for the generated schema types. */
import type { components } from "./generated/api.js";

type Schemas = components["schemas"];

export type Capability = Schemas["Capability"];
export type Token = Schemas["Token"];
export type TokenWithValue = Schemas["TokenWithValue"];
export type TokenList = Schemas["TokenList"];
export type TokenVerification = Schemas["TokenVerification"];
export type CreateTokenRequest = Schemas["CreateTokenRequest"];
export type Realm = Schemas["Realm"];
export type Role = Schemas["Role"];
export type CreateRoleRequest = Schemas["CreateRoleRequest"];
export type UpdateRoleRequest = Schemas["UpdateRoleRequest"];
export type Binding = Schemas["Binding"];
export type CreateBindingRequest = Schemas["CreateBindingRequest"];
export type Secret = Schemas["Secret"];
export type SecretMetadata = Schemas["SecretMetadata"];
export type SecretList = Schemas["SecretList"];
export type SecretVersion = Schemas["SecretVersion"];
export type AuditRecord = Schemas["AuditRecord"];
export type AuditPage = Schemas["AuditPage"];
export type AuditVerification = Schemas["AuditVerification"];

export interface TokenUpdate {
  name?: string;
  description?: string;
  rate_limit?: number | null;
}

export interface AuditFilters {
  realm?: string;
  actor?: string;
  action?: string;
  outcome?: "success" | "denied" | "failure";
  request_id?: string;
  /** ISO 8601 with offset, or a Date. */
  from?: string | Date;
  to?: string | Date;
  limit?: number;
  cursor?: string;
}

/** A lease with its credentials, as create returns it (the only time they are shown). */
export type Lease = Schemas["CreatedLease"];
/** A lease without credentials (list, get, revoke). */
export type LeaseInfo = Schemas["Lease"];
export type RenewedLease = Schemas["RenewedLease"];
export type LeaseList = Schemas["LeaseList"];
export type RevokePrefixResult = Schemas["RevokeLeasePrefixResult"];
export type Engine = Schemas["Engine"];
export type MountEngineRequest = Schemas["MountEngineRequest"];
export type EngineRole = Schemas["EngineRole"];
export type EngineRoleRequest = Schemas["EngineRoleRequest"];

export interface Page {
  limit?: number;
  cursor?: string;
}
