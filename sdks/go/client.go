// Package arcan is the Go client of Arcan, a secrets and access-control plane.
//
//	client := arcan.NewClient("https://arcan.example.com", arcan.WithToken("arc_xxx"))
//	secret, err := client.KV.Get(ctx, "DATABASE_URL", arcan.InRealm("myapp"))
//
// It is a thin wrapper over the REST API at /api/v1 and depends on the standard library
// only. Request and response types are generated from Arcan's OpenAPI document
// (types_gen.go); every call takes a context and fails with an *Error carrying the
// server's problem details.
package arcan

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to one Arcan server. It is safe for concurrent use.
type Client struct {
	// KV is the realm's key/value secrets engine.
	KV *KVService
	// Tokens manages API tokens.
	Tokens *TokensService
	// Realms manages realms (tenants).
	Realms *RealmsService
	// Lease issues, renews and revokes dynamic credentials.
	Lease *LeaseService
	// STS exchanges user, agent and workload tokens for a task-bound token (RFC 8693).
	STS *STSService

	baseURL      string
	token        string
	realm        string
	httpClient   *http.Client
	timeout      time.Duration
	caCert       []byte
	skipVerify   bool
	retries      int
	maxRetryWait time.Duration
	userAgent    string
	configErr    error
}

// Option configures a Client.
type Option func(*Client)

// WithToken sets the API token (arc_…) sent as "Authorization: Bearer <token>".
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithCACert trusts the PEM certificate(s) in pem for the server's TLS certificate,
// instead of the system roots (Arcan's self-signed certificate is <data_dir>/tls.crt).
func WithCACert(pem []byte) Option { return func(c *Client) { c.caCert = pem } }

// WithInsecureSkipVerify turns off TLS certificate verification. Only for tests: anyone
// on the network path can then read the secrets.
func WithInsecureSkipVerify() Option { return func(c *Client) { c.skipVerify = true } }

// WithHTTPClient uses hc for every request; WithCACert, WithInsecureSkipVerify and
// WithTimeout then do not apply (configure hc's transport instead).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.httpClient = hc } }

// WithRealm sets the realm used by calls that name none (default: $ARCAN_REALM).
func WithRealm(realm string) Option { return func(c *Client) { c.realm = realm } }

// WithTimeout bounds each request, including reading the answer (default 30 s).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithRetry retries a request answered 429 up to n times, waiting as long as the
// server's Retry-After header says, but never longer than maxWait per attempt (0: 30 s).
func WithRetry(n int, maxWait time.Duration) Option {
	return func(c *Client) {
		c.retries = n
		if maxWait > 0 {
			c.maxRetryWait = maxWait
		}
	}
}

// NewClient returns a client for the server at baseURL, e.g. "https://arcan.example.com:8443".
// A configuration problem (a CA certificate that does not parse) is returned by every call.
func NewClient(baseURL string, opts ...Option) *Client {
	c := &Client{
		baseURL:      strings.TrimRight(baseURL, "/"),
		realm:        os.Getenv("ARCAN_REALM"),
		timeout:      30 * time.Second,
		maxRetryWait: 30 * time.Second,
		userAgent:    "arcan-go/" + Version,
	}
	for _, opt := range opts {
		opt(c)
	}
	if c.baseURL == "" {
		c.configErr = errors.New("arcan: the server URL is empty (e.g. https://arcan.example.com:8443)")
	}
	if c.httpClient == nil {
		c.httpClient, c.configErr = c.defaultHTTPClient()
	}
	c.KV = &KVService{c: c}
	c.Tokens = &TokensService{c: c}
	c.Realms = &RealmsService{c: c}
	c.Lease = &LeaseService{c: c}
	c.STS = &STSService{c: c}
	return c
}

// FromEnv returns a client configured from ARCAN_ADDR (required), ARCAN_TOKEN,
// ARCAN_CACERT (a PEM file) and ARCAN_REALM; opts are applied after them.
func FromEnv(opts ...Option) (*Client, error) {
	addr := os.Getenv("ARCAN_ADDR")
	if addr == "" {
		return nil, errors.New("arcan: ARCAN_ADDR is not set (e.g. https://arcan.example.com:8443)")
	}
	base := []Option{WithToken(os.Getenv("ARCAN_TOKEN"))}
	if file := os.Getenv("ARCAN_CACERT"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("arcan: reading ARCAN_CACERT: %w", err)
		}
		base = append(base, WithCACert(pem))
	}
	c := NewClient(addr, append(base, opts...)...)
	if c.configErr != nil {
		return nil, c.configErr
	}
	return c, nil
}

func (c *Client) defaultHTTPClient() (*http.Client, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.skipVerify} // #nosec G402 -- opt-in, documented as test-only
	var err error
	if len(c.caCert) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(c.caCert) {
			err = errors.New("arcan: WithCACert: no PEM certificate found")
		}
		transport.TLSClientConfig.RootCAs = pool
	}
	if c.configErr != nil {
		err = c.configErr
	}
	return &http.Client{Transport: transport, Timeout: c.timeout}, err
}

// request is one call of an operation: its path values, query, and JSON or form body.
type request struct {
	op      *operation
	path    []string
	query   url.Values
	json    any
	form    url.Values
	noToken bool
}

// do sends r and decodes a 2xx JSON answer into out (when out is not nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	status, body, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	if out == nil || status == http.StatusNoContent || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("arcan: %s: decoding the answer: %w", r.op.Facade, err)
	}
	return nil
}

func (c *Client) send(ctx context.Context, r request) (int, []byte, error) {
	if c.configErr != nil {
		return 0, nil, c.configErr
	}
	target, err := c.url(r)
	if err != nil {
		return 0, nil, err
	}
	var payload []byte
	contentType := ""
	switch {
	case r.form != nil:
		payload, contentType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.json != nil:
		if payload, err = json.Marshal(r.json); err != nil {
			return 0, nil, fmt.Errorf("arcan: %s: encoding the request: %w", r.op.Facade, err)
		}
		contentType = "application/json"
	}
	for attempt := 0; ; attempt++ {
		status, body, header, err := c.roundTrip(ctx, r, target, payload, contentType)
		if err != nil {
			return 0, nil, err
		}
		if status >= 200 && status < 300 {
			return status, body, nil
		}
		apiErr := errorFromResponse(status, header, body)
		if status != http.StatusTooManyRequests || attempt >= c.retries {
			return status, nil, apiErr
		}
		wait := apiErr.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		if wait > c.maxRetryWait {
			wait = c.maxRetryWait
		}
		select {
		case <-ctx.Done():
			return status, nil, apiErr
		case <-time.After(wait):
		}
	}
}

func (c *Client) roundTrip(ctx context.Context, r request, target string, payload []byte, contentType string) (int, []byte, http.Header, error) {
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.op.Method, target, reader)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("arcan: %s: %w", r.op.Facade, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" && !r.noToken {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.httpClient.Do(req)
	if err != nil {
		return 0, nil, nil, connectionFailed(c.baseURL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 32<<20))
	if err != nil {
		return 0, nil, nil, connectionFailed(c.baseURL, err)
	}
	return res.StatusCode, body, res.Header, nil
}

// url fills the operation's path template ({realm}, {key}, …) in order with escaped values.
func (c *Client) url(r request) (string, error) {
	path := r.op.Path
	for _, value := range r.path {
		start := strings.IndexByte(path, '{')
		end := strings.IndexByte(path, '}')
		if start < 0 || end < start {
			return "", fmt.Errorf("arcan: %s: too many path values", r.op.Facade)
		}
		if value == "" {
			return "", fmt.Errorf("arcan: %s: %s is empty", r.op.Facade, path[start+1:end])
		}
		path = path[:start] + url.PathEscape(value) + path[end+1:]
	}
	if strings.ContainsRune(path, '{') {
		return "", fmt.Errorf("arcan: %s: missing path values for %s", r.op.Facade, r.op.Path)
	}
	target := c.baseURL + path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	return target, nil
}

// realmOf is the call's realm: InRealm, else the client's default.
func (c *Client) realmOf(o callOptions) (string, error) {
	if o.realm != "" {
		return o.realm, nil
	}
	if c.realm != "" {
		return c.realm, nil
	}
	return "", errors.New("arcan: a realm is required: pass arcan.InRealm(\"myapp\"), or set arcan.WithRealm or ARCAN_REALM")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// call sends r and returns its decoded answer, or nil and the error.
func call[T any](ctx context.Context, c *Client, r request) (*T, error) {
	var out T
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
