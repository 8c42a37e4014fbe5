package arcan

// Types of the contract operations (api-v1.md) that openapi.json does not describe yet:
// leases (issue 9), authorize and the STS (issue 11). Written by hand from the contract;
// scripts/sdk-generate.ts does not generate a schema of the same name again, and a test
// checks these JSON names against the document's schema once it has one.

// Lease is a dynamic credential: the answer to Lease.Create. Credentials are returned
// only this once.
type Lease struct {
	LeaseID     string         `json:"lease_id"`
	Engine      string         `json:"engine"`
	Role        string         `json:"role"`
	Credentials map[string]any `json:"credentials"`
	IssuedAt    string         `json:"issued_at"`
	ExpiresAt   string         `json:"expires_at"`
	Renewable   bool           `json:"renewable"`
	// Warnings says, for example, that the TTL asked for was cut to the role's max_ttl.
	Warnings []string `json:"warnings,omitempty"`
}

// LeaseInfo is a lease without credentials (Lease.Get, Lease.Renew).
type LeaseInfo struct {
	LeaseID string `json:"lease_id"`
	Engine  string `json:"engine"`
	Role    string `json:"role"`
	// State is "active", "revoked", "expired" or "revoke_failed".
	State          string  `json:"state"`
	IssuedAt       string  `json:"issued_at"`
	ExpiresAt      string  `json:"expires_at"`
	RenewedAt      *string `json:"renewed_at"`
	RevokeAttempts int64   `json:"revoke_attempts"`
	LastError      *string `json:"last_error"`
}

// AuthorizeRequest asks for a decision: give Token (an STS token) or Principal
// ({user, agent, workload}), the Action ("jira.read") and the Resource.
type AuthorizeRequest struct {
	Token     string             `json:"token,omitempty"`
	Principal map[string]any     `json:"principal,omitempty"`
	Action    string             `json:"action"`
	Resource  AuthorizedResource `json:"resource"`
	Context   map[string]any     `json:"context,omitempty"`
}

// AuthorizedResource is what an action is on: Type "project", ID "FIN-OPS".
type AuthorizedResource struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// Decision is the answer to Authorize.
type Decision struct {
	// Decision is "allow", "review" or "deny".
	Decision string `json:"decision"`
	// DecisionID (dec_…) finds the recorded decision ("why").
	DecisionID string `json:"decision_id"`
	// PolicyID is the matched rule, nil when nothing matched (default deny).
	PolicyID      *string `json:"policy_id"`
	PolicyVersion int64   `json:"policy_version"`
	Reasons       []any   `json:"reasons"`
	// ReviewID is set when the decision is "review".
	ReviewID      string `json:"review_id,omitempty"`
	EvaluatedInUs int64  `json:"evaluated_in_us"`
}

// TokenExchangeRequest is an RFC 8693 token exchange: the user (SubjectToken), the agent
// (ActorToken, its agt_ credential) and optionally the workload (WorkloadToken, a JWT).
type TokenExchangeRequest struct {
	// SubjectToken is an Arcan API token, or an ID token when SubjectTokenType says so.
	SubjectToken string `json:"subject_token"`
	// SubjectTokenType defaults to urn:ietf:params:oauth:token-type:access_token.
	SubjectTokenType string   `json:"subject_token_type,omitempty"`
	ActorToken       string   `json:"actor_token"`
	WorkloadToken    string   `json:"workload_token,omitempty"`
	Scope            []string `json:"scope"`
	Task             string   `json:"task"`
	Audience         string   `json:"audience,omitempty"`
	// RequestedTTL is sent as requested_ttl ("15m").
	RequestedTTL string `json:"requested_ttl,omitempty"`
}

// TokenExchangeResponse is the issued token: a short-lived JWT bound to the task.
type TokenExchangeResponse struct {
	AccessToken     string `json:"access_token"`
	IssuedTokenType string `json:"issued_token_type"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in"`
	// Scope is the granted scopes, space-separated: the intersection of every layer's.
	Scope string `json:"scope"`
}
