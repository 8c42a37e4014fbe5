package arcan

import (
	"context"
	"strings"
	"testing"
	"time"
)

// mountPostgres mounts the shared PostgreSQL (127.0.0.1:5432, trust authentication, so
// any root password is accepted) as engine "postgres" with role "readonly" (contract:
// "Engines and leases").
func mountPostgres(ctx context.Context, t *testing.T, c *Client, realm string) {
	t.Helper()
	engine := map[string]any{"name": "postgres", "type": "postgres", "config": map[string]any{
		"connection_url":       "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres",
		"username":             "postgres",
		"password":             "trust-authentication-ignores-it",
		"max_open_connections": 2,
	}}
	if err := raw(ctx, c, "POST", "/api/v1/realms/"+realm+"/engines", engine, nil); err != nil {
		t.Fatalf("mounting postgres: %v", err)
	}
	role := map[string]any{
		"name":                  "readonly",
		"creation_statements":   []string{`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`},
		"revocation_statements": []string{},
		"default_ttl":           "1h",
		"max_ttl":               "24h",
	}
	if err := raw(ctx, c, "POST", "/api/v1/realms/"+realm+"/engines/postgres/roles", role, nil); err != nil {
		t.Fatalf("creating role readonly: %v", err)
	}
}

func TestLeaseCreateRenewRevoke(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	realm := newRealm(t, c, "lease")
	mountPostgres(ctx, t, c, realm)

	creds, err := c.Lease.Create(ctx, "postgres", "readonly", InRealm(realm), WithTTL(time.Hour))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(creds.LeaseID, "lea_") || creds.Engine != "postgres" || creds.Role != "readonly" || !creds.Renewable {
		t.Fatalf("lease: %+v", creds)
	}
	if user := creds.Credentials["username"]; !strings.HasPrefix(user, "arcan_") {
		t.Fatalf("credentials carry the generated username: %+v", creds.Credentials)
	}
	if pw := creds.Credentials["password"]; len(pw) < 32 {
		t.Fatal("credentials carry a password of at least 32 characters")
	}
	expires, err := time.Parse(time.RFC3339, creds.ExpiresAt)
	if err != nil || time.Until(expires) > time.Hour+time.Minute || time.Until(expires) < 58*time.Minute {
		t.Fatalf("expires in an hour: %s %v", creds.ExpiresAt, err)
	}

	info, err := c.Lease.Get(ctx, creds.LeaseID, InRealm(realm))
	if err != nil || info.State != "active" || info.LeaseID != creds.LeaseID {
		t.Fatalf("get: %+v %v", info, err)
	}
	renewed, err := c.Lease.Renew(ctx, creds.LeaseID, InRealm(realm), WithIncrement(2*time.Hour))
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	later, err := time.Parse(time.RFC3339, renewed.ExpiresAt)
	if err != nil || !later.After(expires) {
		t.Fatalf("renew extends the lease: %+v %v", renewed, err)
	}

	if err := c.Lease.Revoke(ctx, creds.LeaseID, InRealm(realm)); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	info, err = c.Lease.Get(ctx, creds.LeaseID, InRealm(realm))
	if err != nil || info.State != "revoked" {
		t.Fatalf("after revoke: %+v %v", info, err)
	}
	_, err = c.Lease.Create(ctx, "postgres", "no-such-role", InRealm(realm))
	if e, ok := err.(*Error); !ok || (e.Status != 400 && e.Status != 404) {
		t.Fatalf("an unknown role is a problem (400 or 404): %v", err)
	}
	_, err = c.Lease.Get(ctx, creds.LeaseID, InRealm(newRealm(t, c, "elsewhere")))
	problem(t, err, 404, "")
}

// The seed's Go snippet (000, Pattern B), unchanged apart from the URL and the token;
// ARCAN_REALM gives Lease.Create its realm and SSL_CERT_FILE trusts the server.
func runSeedSnippet(ctx context.Context, url, token string) (string, string, error) {
	client := NewClient(url, WithToken(token))
	secret, err := client.KV.Get(ctx, "DATABASE_URL", InRealm("myapp"))
	if err != nil {
		return "", "", err
	}
	creds, err := client.Lease.Create(ctx, "postgres", "readonly", WithTTL(1*time.Hour))
	if err != nil {
		return secret.Value, "", err
	}
	defer client.Lease.Revoke(ctx, creds.LeaseID)
	return secret.Value, creds.LeaseID, nil
}

func TestSeedSnippet(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	if _, err := c.Realms.Get(ctx, "myapp"); IsNotFound(err) {
		if _, err := c.Realms.Create(ctx, CreateRealmRequest{Name: "myapp"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.KV.Put(ctx, "DATABASE_URL", "postgres://app@db/app", InRealm("myapp")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARCAN_REALM", "myapp")
	t.Setenv("SSL_CERT_FILE", testServer.CACert)
	value, leaseID, err := runSeedSnippet(ctx, testServer.URL, testServer.Token)
	if value != "postgres://app@db/app" {
		t.Fatalf("the snippet's KV.Get: %q %v", value, err)
	}
	if err != nil {
		// No "postgres" engine in myapp yet: mount it, and run the snippet again.
		mountPostgres(ctx, t, c, "myapp")
		value, leaseID, err = runSeedSnippet(ctx, testServer.URL, testServer.Token)
	}
	if err != nil || value == "" || !strings.HasPrefix(leaseID, "lea_") {
		t.Fatalf("the snippet: %q %q %v", value, leaseID, err)
	}
	info, err := c.Lease.Get(ctx, leaseID, InRealm("myapp"))
	if err != nil || info.State != "revoked" {
		t.Fatalf("the snippet's deferred Revoke ran: %+v %v", info, err)
	}
}
