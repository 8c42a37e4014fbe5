package arcan

import (
	"strings"
	"testing"
)

var finOps = AuthorizedResource{Type: "project", ID: "FIN-OPS"}

func TestAuthorizeWithAPrincipal(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	d, err := c.Authorize(ctx, AuthorizeRequest{
		Principal: &AuthorizeRequestPrincipal{
			User:     AuthorizeRequestPrincipalUser{ID: "user:u.olsen", Roles: []string{"finance"}, Groups: []string{}},
			Agent:    AuthorizeRequestPrincipalAgent{ID: "agt_pk93f", Name: Ptr("pk-93f"), TrustTier: Ptr[int64](2)},
			Workload: &AuthorizeRequestPrincipalWorkload{Sub: "spiffe://corp/pod.sre-prod-4", Issuer: Ptr("k8s-prod"), Attested: Ptr(true), Network: Ptr("corp-vpn")},
		},
		Action:   "jira.delete",
		Resource: finOps,
		Context:  map[string]any{"ticket": "FIN-1"},
	})
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	// No policy permits jira.delete: default deny, still a recorded decision.
	if d.Decision != "deny" || !strings.HasPrefix(d.DecisionID, "dec_") {
		t.Fatalf("decision: %+v", d)
	}
	reader := as(t, mustToken(t, c, CapabilitySecretsRead))
	_, err = reader.Authorize(ctx, AuthorizeRequest{Token: Ptr("x"), Action: "jira.read", Resource: finOps})
	problem(t, err, 403, "")
}

func mustToken(t *testing.T, c *Client, caps ...Capability) string {
	t.Helper()
	tok, err := c.Tokens.Create(testContext(t), CreateTokenRequest{Name: "caps", Capabilities: caps})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

func TestSTSExchangeThenAuthorize(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	_, err := c.STS.Exchange(ctx, TokenExchangeRequest{SubjectToken: "x", ActorToken: "y", Scope: []string{"jira.read:project/FIN-OPS"}, Task: "probe"})
	e := problem(t, err, 400, "")
	if e.OAuthError != "invalid_request" {
		t.Fatalf("an unacceptable subject token is invalid_request: %+v", e)
	}

	var agent struct {
		ID         string `json:"id"`
		Credential string `json:"credential"`
	}
	body := map[string]any{"name": "invoice-reconciler", "trust_tier": 2, "allowed_scopes": []string{"jira.read:project/FIN-*"}}
	if err := raw(ctx, c, "POST", "/api/v1/agents", body, &agent); err != nil || !strings.HasPrefix(agent.Credential, "agt_") {
		t.Fatalf("registering an agent: %+v %v", agent, err)
	}
	issued, err := c.STS.Exchange(ctx, TokenExchangeRequest{
		SubjectToken: testServer.Token,
		ActorToken:   agent.Credential,
		Scope:        []string{"jira.read:project/FIN-OPS"},
		Task:         "reconcile-invoices-q3",
	})
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if strings.Count(issued.AccessToken, ".") != 2 || issued.TokenType != "Bearer" || issued.IssuedTokenType != TokenTypeJWT || issued.Scope != "jira.read:project/FIN-OPS" || issued.ExpiresIn <= 0 || issued.ExpiresIn > 900 {
		t.Fatalf("issued token: %+v", issued)
	}
	_, err = c.STS.Exchange(ctx, TokenExchangeRequest{SubjectToken: testServer.Token, ActorToken: agent.Credential, Scope: []string{"confluence.write:space/FIN-OPS"}, Task: "t"})
	if e := problem(t, err, 400, ""); e.OAuthError != "invalid_scope" {
		t.Fatalf("no layer allows the scope: %+v", e)
	}

	outside, err := c.Authorize(ctx, AuthorizeRequest{Token: &issued.AccessToken, Action: "jira.write", Resource: finOps})
	if err != nil || outside.Decision != "deny" || !hasReason(outside.Reasons, "outside_task_scope") {
		t.Fatalf("an action outside the token's scopes: %+v %v", outside, err)
	}
	bad, err := c.Authorize(ctx, AuthorizeRequest{Token: Ptr(issued.AccessToken + "x"), Action: "jira.read", Resource: finOps})
	if err != nil || bad.Decision != "deny" || !hasReason(bad.Reasons, "token_invalid") {
		t.Fatalf("a badly signed token: %+v %v", bad, err)
	}
}

// hasReason: whether a reason names want.
func hasReason(reasons []string, want string) bool {
	for _, r := range reasons {
		if strings.Contains(r, want) {
			return true
		}
	}
	return false
}
