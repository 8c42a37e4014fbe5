package arcan

import (
	"strconv"
	"time"
)

// CallOption adjusts one call: its realm, a TTL, a check-and-set version, a page.
type CallOption func(*callOptions)

type callOptions struct {
	realm     string
	ttl       time.Duration
	increment time.Duration
	cas       *int64
	version   int64
	limit     int
	cursor    string
}

func collect(opts []CallOption) callOptions {
	var o callOptions
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// InRealm names the realm of the call (otherwise the client's default realm).
func InRealm(realm string) CallOption { return func(o *callOptions) { o.realm = realm } }

// WithTTL asks for a lifetime (a lease; the server caps it at the role's max_ttl).
func WithTTL(d time.Duration) CallOption { return func(o *callOptions) { o.ttl = d } }

// WithIncrement is how long a renewed lease lives from now.
func WithIncrement(d time.Duration) CallOption { return func(o *callOptions) { o.increment = d } }

// WithCAS writes only when version is the current version (0: the key must not exist);
// otherwise the call fails with 409 (IsConflict).
func WithCAS(version int64) CallOption { return func(o *callOptions) { o.cas = &version } }

// WithVersion reads an older version of a secret.
func WithVersion(version int64) CallOption { return func(o *callOptions) { o.version = version } }

// WithLimit sets a list call's page size.
func WithLimit(n int) CallOption { return func(o *callOptions) { o.limit = n } }

// WithCursor continues a list from a previous page's NextCursor.
func WithCursor(cursor string) CallOption { return func(o *callOptions) { o.cursor = cursor } }

// duration writes d the way the API reads durations: "1h", "30m" or "45s".
func duration(d time.Duration) string {
	switch s := int64(d / time.Second); {
	case s > 0 && s%3600 == 0:
		return strconv.FormatInt(s/3600, 10) + "h"
	case s > 0 && s%60 == 0:
		return strconv.FormatInt(s/60, 10) + "m"
	default:
		if s < 1 {
			s = 1
		}
		return strconv.FormatInt(s, 10) + "s"
	}
}

// Ptr returns a pointer to v, for the optional fields of the generated request types
// (AuthorizeRequest{Token: arcan.Ptr(jwt)}): nil means absent, so a zero value is sent.
func Ptr[T any](v T) *T { return &v }
