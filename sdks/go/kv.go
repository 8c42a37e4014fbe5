package arcan

import (
	"context"
	"net/url"
	"strconv"
)

// KVService is the realm's key/value secrets engine (versioned, encrypted at rest).
type KVService struct{ c *Client }

// Get reads a secret: its value, version and timestamps. WithVersion reads an older version.
func (s *KVService) Get(ctx context.Context, key string, opts ...CallOption) (*Secret, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	var query url.Values
	if o.version > 0 {
		query = url.Values{"version": {itoa(o.version)}}
	}
	return call[Secret](ctx, s.c, request{op: opGetSecret, path: []string{realm, key}, query: query})
}

// Put writes a new version of a secret. WithCAS makes it a check-and-set: 409 (IsConflict)
// when the current version is not the one given.
func (s *KVService) Put(ctx context.Context, key, value string, opts ...CallOption) (*SecretMetadata, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	body := PutSecretRequest{Value: value, CAS: o.cas}
	return call[SecretMetadata](ctx, s.c, request{op: opPutSecret, path: []string{realm, key}, json: body})
}

// Delete removes a secret with all its versions.
func (s *KVService) Delete(ctx context.Context, key string, opts ...CallOption) error {
	realm, err := s.c.realmOf(collect(opts))
	if err != nil {
		return err
	}
	return s.c.do(ctx, request{op: opDeleteSecret, path: []string{realm, key}}, nil)
}

// List returns one page of keys and metadata, never values (WithLimit, WithCursor).
func (s *KVService) List(ctx context.Context, opts ...CallOption) (*SecretList, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	return call[SecretList](ctx, s.c, request{op: opListSecrets, path: []string{realm}, query: page(o)})
}

// Versions lists a secret's versions, newest first, without values.
func (s *KVService) Versions(ctx context.Context, key string, opts ...CallOption) ([]SecretVersion, error) {
	realm, err := s.c.realmOf(collect(opts))
	if err != nil {
		return nil, err
	}
	var out SecretVersionList
	if err := s.c.do(ctx, request{op: opListVersions, path: []string{realm, key}}, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

func page(o callOptions) url.Values {
	q := url.Values{}
	if o.limit > 0 {
		q.Set("limit", strconv.Itoa(o.limit))
	}
	if o.cursor != "" {
		q.Set("cursor", o.cursor)
	}
	return q
}
