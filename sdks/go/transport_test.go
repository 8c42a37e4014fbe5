package arcan

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"testing"
	"time"
)

func TestRateLimitAndRetryAfter(t *testing.T) {
	c, ctx := admin(t), testContext(t)
	realm := newRealm(t, c, "rl")
	if _, err := c.KV.Put(ctx, "K", "v", InRealm(realm)); err != nil {
		t.Fatal(err)
	}
	one := int64(1)
	slow, err := c.Tokens.Create(ctx, CreateTokenRequest{Name: "one-per-second", Capabilities: []Capability{CapabilitySecretsRead}, Realms: []string{realm}, RateLimit: &one})
	if err != nil {
		t.Fatal(err)
	}
	plain := as(t, slow.Token, WithRealm(realm))
	var limited *Error
	for i := 0; i < 5 && limited == nil; i++ {
		if _, err := plain.KV.Get(ctx, "K"); err != nil {
			limited = problem(t, err, 429, "rate_limited")
		}
	}
	if limited == nil || !IsRateLimited(limited) || limited.RetryAfter < time.Second {
		t.Fatalf("a 429 with Retry-After: %+v", limited)
	}

	patient := as(t, slow.Token, WithRealm(realm), WithRetry(3, 5*time.Second))
	start := time.Now()
	for i := 0; i < 3; i++ {
		if s, err := patient.KV.Get(ctx, "K"); err != nil || s.Value != "v" {
			t.Fatalf("read %d with retries: %v", i, err)
		}
	}
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("three reads at 1/s must wait for Retry-After, took %s", waited)
	}
}

func TestTLSOptionsAndConnectionErrors(t *testing.T) {
	ctx := testContext(t)
	admin(t) // skips without a server
	untrusted := NewClient(testServer.URL, WithToken(testServer.Token), WithHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool(), MinVersion: tls.VersionTLS12}}}))
	_, err := untrusted.Realms.List(ctx)
	if e := problem(t, err, 0, "connection_failed"); e.Unwrap() == nil || !IsConnectionFailed(err) {
		t.Fatalf("a TLS failure keeps its cause: %+v", e)
	}
	skipping := NewClient(testServer.URL+"/", WithToken(testServer.Token), WithInsecureSkipVerify())
	if _, err := skipping.Realms.List(ctx); err != nil {
		t.Fatalf("WithInsecureSkipVerify: %v", err)
	}
	_, err = NewClient("https://127.0.0.1:1", WithInsecureSkipVerify(), WithTimeout(5*time.Second)).Realms.List(ctx)
	problem(t, err, 0, "connection_failed")
	if _, err := NewClient(testServer.URL, WithCACert([]byte("not a certificate"))).Realms.List(ctx); err == nil {
		t.Fatal("a CA that does not parse is an error")
	}
}

func TestFromEnv(t *testing.T) {
	ctx := testContext(t)
	admin(t)
	t.Setenv("ARCAN_ADDR", "")
	if _, err := FromEnv(); err == nil {
		t.Fatal("FromEnv without ARCAN_ADDR")
	}
	t.Setenv("ARCAN_ADDR", testServer.URL)
	t.Setenv("ARCAN_TOKEN", testServer.Token)
	t.Setenv("ARCAN_CACERT", testServer.CACert)
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Tokens.Verify(ctx)
	if err != nil || !v.Valid {
		t.Fatalf("verify from env: %+v %v", v, err)
	}
	t.Setenv("ARCAN_CACERT", "/nonexistent/ca.pem")
	if _, err := FromEnv(); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("a missing ARCAN_CACERT file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		next, ok := err.(interface{ Unwrap() error })
		if !ok || next.Unwrap() == nil {
			return err
		}
		err = next.Unwrap()
	}
}

func TestDurationsAsTheAPIWritesThem(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Hour: "1h", 90 * time.Minute: "90m", 45 * time.Second: "45s", 1500 * time.Millisecond: "1s", 36 * time.Hour: "36h"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%s) = %s, want %s", d, got, want)
		}
	}
}
