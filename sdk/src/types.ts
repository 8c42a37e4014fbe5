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

export type Agent = Schemas["Agent"];
export type AgentWithCredential = Schemas["AgentWithCredential"];
export type AgentList = Schemas["AgentList"];
export type CreateAgentRequest = Schemas["CreateAgentRequest"];
export type UpdateAgentRequest = Schemas["UpdateAgentRequest"];
export type StsTokenResponse = Schemas["StsTokenResponse"];

/** What `client.sts.exchange` takes (RFC 8693 token exchange). */
export interface StsExchangeInput {
  /** The user: an Arcan API token (arc_…) or an ID token (a JWT) of a trusted user issuer. */
  subjectToken: string;
  /** Default: access_token for an arc_ token, id_token for a JWT. */
  subjectTokenType?: "urn:ietf:params:oauth:token-type:access_token" | "urn:ietf:params:oauth:token-type:id_token";
  /** The agent's agt_ credential. */
  actorToken: string;
  /** The workload's JWT (JWT-SVID or service-account token), optional. */
  workloadToken?: string;
  /** Scopes requested, as a list or space-separated. */
  scope: string | string[];
  /** The task descriptor (at most 200 characters). */
  task: string;
  audience?: string;
  /** Seconds; the server caps it at [sts] max_ttl. */
  requestedTtl?: number;
}
export type AuthorizeRequest = Schemas["AuthorizeRequest"];
export type AuthorizeResponse = Schemas["AuthorizeResponse"];
export type DecisionRecord = Schemas["DecisionRecord"];
export type DecisionReplay = Schemas["DecisionReplay"];
export type PolicyVersion = Schemas["PolicyVersion"];
export type PolicyVersionList = Schemas["PolicyVersionList"];
export type PolicyValidation = Schemas["PolicyValidation"];
export type PolicySimulation = Schemas["PolicySimulation"];
export type PolicyShadowReport = Schemas["PolicyShadowReport"];
export type Review = Schemas["Review"];
export type ReviewList = Schemas["ReviewList"];
