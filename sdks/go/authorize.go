package arcan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// RFC 8693 token types of an exchange.
const (
	TokenTypeAccessToken     = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeIDToken         = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeJWT             = "urn:ietf:params:oauth:token-type:jwt"
	TokenTypeAgentCredential = "urn:arcan:params:oauth:token-type:agent_credential"
	grantTypeTokenExchange   = "urn:ietf:params:oauth:grant-type:token-exchange"
)

// Decision is the answer to Authorize: the document's AuthorizeResponse.
type Decision = AuthorizeResponse

// AuthorizedResource is what an action is on (Type "project", ID "FIN-OPS"): the
// resource of an AuthorizeRequest.
type AuthorizedResource = AuthorizeRequestResource

// TokenExchangeResponse is the token the STS issued: the document's StsTokenResponse.
type TokenExchangeResponse = StsTokenResponse

// Authorize asks the policy engine for a decision (allow, review or deny) on an action.
// The client's token needs decisions:evaluate. A deny is a Decision, not an error.
func (c *Client) Authorize(ctx context.Context, req AuthorizeRequest) (*Decision, error) {
	return call[Decision](ctx, c, request{op: opAuthorize, json: req})
}

// STSService is Arcan's security token service.
type STSService struct{ c *Client }

// TokenExchangeRequest is what Exchange sends as the document's StsTokenRequest form:
// the user (SubjectToken), the agent (ActorToken, its agt_ credential) and optionally the
// workload (WorkloadToken, a JWT). Exchange fills in the grant and token types.
type TokenExchangeRequest struct {
	// SubjectToken is an Arcan API token, or an ID token when SubjectTokenType says so.
	SubjectToken string
	// SubjectTokenType defaults to TokenTypeAccessToken.
	SubjectTokenType string
	ActorToken       string
	WorkloadToken    string
	Scope            []string
	Task             string
	Audience         string
	// RequestedTTL is sent as requested_ttl ("15m").
	RequestedTTL string
}

// Exchange trades the user's, the agent's and the workload's tokens for a short-lived
// token bound to a task, with the intersection of the scopes every layer allows. The
// tokens in the request authenticate it; the client's own token is not sent.
func (s *STSService) Exchange(ctx context.Context, req TokenExchangeRequest) (*TokenExchangeResponse, error) {
	subjectType := req.SubjectTokenType
	if subjectType == "" {
		subjectType = TokenTypeAccessToken
	}
	wire := StsTokenRequest{
		GrantType:        Ptr(grantTypeTokenExchange),
		SubjectToken:     Ptr(req.SubjectToken),
		SubjectTokenType: Ptr(subjectType),
		ActorToken:       Ptr(req.ActorToken),
		ActorTokenType:   Ptr(TokenTypeAgentCredential),
		Scope:            Ptr(strings.Join(req.Scope, " ")),
		Task:             Ptr(req.Task),
		Audience:         nonEmpty(req.Audience),
		RequestedTTL:     nonEmpty(req.RequestedTTL),
	}
	if req.WorkloadToken != "" {
		wire.WorkloadToken, wire.WorkloadTokenType = Ptr(req.WorkloadToken), Ptr(TokenTypeJWT)
	}
	form, err := formOf(wire)
	if err != nil {
		return nil, fmt.Errorf("arcan: %s: encoding the request: %w", opSTSExchange.Facade, err)
	}
	return call[TokenExchangeResponse](ctx, s.c, request{op: opSTSExchange, form: form, noToken: true})
}

// formOf encodes a generated request type of string fields as a form, by its JSON names.
func formOf(v any) (url.Values, error) {
	encoded, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var fields map[string]string
	if err := json.Unmarshal(encoded, &fields); err != nil {
		return nil, err
	}
	form := url.Values{}
	for name, value := range fields {
		form.Set(name, value)
	}
	return form, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
