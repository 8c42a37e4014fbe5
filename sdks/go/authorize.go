package arcan

import (
	"context"
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

// Authorize asks the policy engine for a decision (allow, review or deny) on an action.
// The client's token needs decisions:evaluate. A deny is a Decision, not an error.
func (c *Client) Authorize(ctx context.Context, req AuthorizeRequest) (*Decision, error) {
	return call[Decision](ctx, c, request{op: opAuthorize, json: req})
}

// STSService is Arcan's security token service.
type STSService struct{ c *Client }

// Exchange trades the user's, the agent's and the workload's tokens for a short-lived
// token bound to a task, with the intersection of the scopes every layer allows. The
// tokens in the request authenticate it; the client's own token is not sent.
func (s *STSService) Exchange(ctx context.Context, req TokenExchangeRequest) (*TokenExchangeResponse, error) {
	subjectType := req.SubjectTokenType
	if subjectType == "" {
		subjectType = TokenTypeAccessToken
	}
	form := url.Values{
		"grant_type":         {grantTypeTokenExchange},
		"subject_token":      {req.SubjectToken},
		"subject_token_type": {subjectType},
		"actor_token":        {req.ActorToken},
		"actor_token_type":   {TokenTypeAgentCredential},
		"scope":              {strings.Join(req.Scope, " ")},
		"task":               {req.Task},
	}
	if req.WorkloadToken != "" {
		form.Set("workload_token", req.WorkloadToken)
		form.Set("workload_token_type", TokenTypeJWT)
	}
	if req.Audience != "" {
		form.Set("audience", req.Audience)
	}
	if req.RequestedTTL != "" {
		form.Set("requested_ttl", req.RequestedTTL)
	}
	return call[TokenExchangeResponse](ctx, s.c, request{op: opSTSExchange, form: form, noToken: true})
}
