package arcan

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSecretsRoundTripWithVersionsAndCAS(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	realm := newRealm(t, c, "kv")

	v1, err := c.KV.Put(ctx, "DATABASE_URL", "postgres://one", InRealm(realm))
	if err != nil || v1.Version != 1 {
		t.Fatalf("first put: %+v %v", v1, err)
	}
	v2, err := c.KV.Put(ctx, "DATABASE_URL", "postgres://two", InRealm(realm), WithCAS(1))
	if err != nil || v2.Version != 2 {
		t.Fatalf("put with cas 1: %+v %v", v2, err)
	}
	_, err = c.KV.Put(ctx, "DATABASE_URL", "postgres://lost", InRealm(realm), WithCAS(1))
	problem(t, err, 409, "cas_mismatch")
	if !IsConflict(err) {
		t.Fatal("IsConflict(409)")
	}
	_, err = c.KV.Put(ctx, "NEW_KEY", "x", InRealm(realm), WithCAS(0))
	if err != nil {
		t.Fatalf("cas 0 on a new key: %v", err)
	}
	_, err = c.KV.Put(ctx, "NEW_KEY", "y", InRealm(realm), WithCAS(0))
	problem(t, err, 409, "cas_mismatch")

	secret, err := c.KV.Get(ctx, "DATABASE_URL", InRealm(realm))
	if err != nil || secret.Value != "postgres://two" || secret.Version != 2 || secret.Key != "DATABASE_URL" {
		t.Fatalf("get: %+v %v", secret, err)
	}
	old, err := c.KV.Get(ctx, "DATABASE_URL", InRealm(realm), WithVersion(1))
	if err != nil || old.Value != "postgres://one" {
		t.Fatalf("get version 1: %+v %v", old, err)
	}
	versions, err := c.KV.Versions(ctx, "DATABASE_URL", InRealm(realm))
	if err != nil || len(versions) != 2 || versions[0].Version != 2 || !versions[0].Current || versions[1].Current {
		t.Fatalf("versions: %+v %v", versions, err)
	}
	page, err := c.KV.List(ctx, InRealm(realm), WithLimit(1))
	if err != nil || len(page.Items) != 1 || page.NextCursor == nil {
		t.Fatalf("first page: %+v %v", page, err)
	}
	rest, err := c.KV.List(ctx, InRealm(realm), WithCursor(*page.NextCursor))
	if err != nil || len(rest.Items) != 1 || rest.Items[0].Key == page.Items[0].Key {
		t.Fatalf("second page: %+v %v", rest, err)
	}

	if err := c.KV.Delete(ctx, "NEW_KEY", InRealm(realm)); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.KV.Get(ctx, "NEW_KEY", InRealm(realm))
	problem(t, err, 404, "secret_not_found")
	_, err = c.KV.Get(ctx, "DATABASE_URL", InRealm("no-such-realm"))
	problem(t, err, 404, "realm_not_found")
	var apiErr *Error
	if !IsNotFound(err) || !errors.As(err, &apiErr) || !strings.HasPrefix(apiErr.RequestID, "req_") {
		t.Fatalf("errors.As and IsNotFound: %v", err)
	}

	defaulted := admin(t, WithRealm(realm))
	if s, err := defaulted.KV.Get(ctx, "DATABASE_URL"); err != nil || s.Value != "postgres://two" {
		t.Fatalf("the client's default realm: %+v %v", s, err)
	}
	t.Setenv("ARCAN_REALM", "")
	if _, err := admin(t).KV.Get(ctx, "DATABASE_URL"); err == nil || !strings.Contains(err.Error(), "realm is required") {
		t.Fatalf("no realm: %v", err)
	}
}

func TestTokensCapabilitiesAndVerification(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	realm := newRealm(t, c, "tok")
	if _, err := c.KV.Put(ctx, "API_KEY", "k1", InRealm(realm)); err != nil {
		t.Fatal(err)
	}
	created, err := c.Tokens.Create(ctx, CreateTokenRequest{Name: "ci-pipeline", TTL: "90d", Capabilities: []Capability{CapabilitySecretsRead, CapabilityLeasesCreate}, Realms: []string{realm}})
	if err != nil || !strings.HasPrefix(created.Token, "arc_") || created.ExpiresAt == nil {
		t.Fatalf("create: %+v %v", created, err)
	}
	expires, _ := time.Parse(time.RFC3339, *created.ExpiresAt)
	if d := time.Until(expires) - 90*24*time.Hour; d > time.Minute || d < -time.Minute {
		t.Fatalf("expires in 90 days, got %s", *created.ExpiresAt)
	}

	ci := as(t, created.Token, WithRealm(realm))
	if s, err := ci.KV.Get(ctx, "API_KEY"); err != nil || s.Value != "k1" {
		t.Fatalf("the new token reads: %+v %v", s, err)
	}
	_, err = ci.KV.Put(ctx, "API_KEY", "k2")
	denied := problem(t, err, 403, "missing_capability")
	if !IsForbidden(err) || !strings.Contains(denied.Detail, "secrets:write") {
		t.Fatalf("403 names the capability: %+v", denied)
	}
	other := newRealm(t, c, "other")
	_, err = ci.KV.Get(ctx, "API_KEY", InRealm(other))
	problem(t, err, 404, "realm_not_found")

	v, err := ci.Tokens.Verify(ctx)
	if err != nil || !v.Valid || v.TokenInfo == nil || v.TokenInfo.Name != "ci-pipeline" {
		t.Fatalf("verify: %+v %v", v, err)
	}
	if v, err := as(t, "").Tokens.Verify(ctx); err != nil || v.Valid {
		t.Fatalf("verify without a token: %+v %v", v, err)
	}
	got, err := c.Tokens.Get(ctx, created.ID)
	if err != nil || got.Name != "ci-pipeline" {
		t.Fatalf("get: %+v %v", got, err)
	}
	list, err := c.Tokens.List(ctx, WithLimit(500))
	if err != nil || !containsToken(list.Items, created.ID) {
		t.Fatalf("list: %v", err)
	}

	rotated, err := c.Tokens.Rotate(ctx, created.ID)
	if err != nil || rotated.ID != created.ID || rotated.Token == created.Token {
		t.Fatalf("rotate: %+v %v", rotated, err)
	}
	_, err = ci.KV.Get(ctx, "API_KEY")
	problem(t, err, 401, "")
	if !IsUnauthorized(err) {
		t.Fatal("IsUnauthorized(401)")
	}
	revoked, err := c.Tokens.Revoke(ctx, created.ID)
	if err != nil || revoked.Status != "revoked" {
		t.Fatalf("revoke: %+v %v", revoked, err)
	}
	_, err = as(t, rotated.Token, WithRealm(realm)).KV.Get(ctx, "API_KEY")
	problem(t, err, 401, "token_revoked")
	if err := c.Tokens.Delete(ctx, created.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.Tokens.Get(ctx, created.ID)
	problem(t, err, 404, "")
}

func containsToken(items []Token, id string) bool {
	for _, tok := range items {
		if tok.ID == id {
			return true
		}
	}
	return false
}

func TestRealms(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	name := newRealm(t, c, "realm")
	desc := "payments"
	updated, err := c.Realms.Update(ctx, name, UpdateRealmRequest{Description: &desc})
	if err != nil || updated.Description != "payments" {
		t.Fatalf("update: %+v %v", updated, err)
	}
	got, err := c.Realms.Get(ctx, name)
	if err != nil || got.Description != "payments" {
		t.Fatalf("get: %+v %v", got, err)
	}
	realms, err := c.Realms.List(ctx)
	found := false
	for _, r := range realms {
		found = found || r.Name == name
	}
	if err != nil || !found {
		t.Fatalf("list: %v %v", realms, err)
	}
	_, err = c.Realms.Create(ctx, CreateRealmRequest{Name: name})
	problem(t, err, 409, "")
	_, err = c.Realms.Create(ctx, CreateRealmRequest{Name: "Not A Slug"})
	if e := problem(t, err, 400, ""); len(e.Errors) == 0 || e.Errors[0].Field != "name" {
		t.Fatalf("400 lists the field: %+v", e.Errors)
	}
	if err := c.Realms.Delete(ctx, name); err != nil {
		t.Fatal(err)
	}
	_, err = c.Realms.Get(ctx, name)
	problem(t, err, 404, "realm_not_found")
}
