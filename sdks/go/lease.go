package arcan

import "context"

// LeaseService issues dynamic credentials from a mounted engine (postgres, plugins) and
// renews and revokes them.
type LeaseService struct{ c *Client }

// Lease is a dynamic credential, the answer to Create: the document's CreatedLease. The
// credentials are returned only this once. (The document's Lease, without credentials,
// is LeaseInfo here.)
type Lease = CreatedLease

// Create issues credentials from engine's role (WithTTL, InRealm); the role's max_ttl caps
// the TTL. The credentials are returned only this once: Revoke the lease when done.
func (s *LeaseService) Create(ctx context.Context, engine, role string, opts ...CallOption) (*Lease, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	body := CreateLeaseRequest{Engine: engine, Role: role}
	if o.ttl > 0 {
		body.TTL = duration(o.ttl)
	}
	return call[Lease](ctx, s.c, request{op: opCreateLease, path: []string{realm}, json: body})
}

// Get returns a lease's state, without credentials.
func (s *LeaseService) Get(ctx context.Context, leaseID string, opts ...CallOption) (*LeaseInfo, error) {
	realm, err := s.c.realmOf(collect(opts))
	if err != nil {
		return nil, err
	}
	return call[LeaseInfo](ctx, s.c, request{op: opGetLease, path: []string{realm, leaseID}})
}

// Renew extends a lease from now (WithIncrement; default the lease's original TTL), never
// past its issue time plus the role's max_ttl; Warnings says when that cut it.
func (s *LeaseService) Renew(ctx context.Context, leaseID string, opts ...CallOption) (*RenewedLease, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	var body RenewLeaseRequest
	if o.increment > 0 {
		body.Increment = duration(o.increment)
	}
	return call[RenewedLease](ctx, s.c, request{op: opRenewLease, path: []string{realm, leaseID}, json: body})
}

// Revoke drops the credentials in the external system before it returns.
func (s *LeaseService) Revoke(ctx context.Context, leaseID string, opts ...CallOption) error {
	realm, err := s.c.realmOf(collect(opts))
	if err != nil {
		return err
	}
	return s.c.do(ctx, request{op: opRevokeLease, path: []string{realm, leaseID}}, nil)
}
