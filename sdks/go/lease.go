package arcan

import "context"

// LeaseService issues dynamic credentials from a mounted engine (postgres, plugins) and
// renews and revokes them.
type LeaseService struct{ c *Client }

type createLeaseBody struct {
	Engine string `json:"engine"`
	Role   string `json:"role"`
	TTL    string `json:"ttl,omitempty"`
}

type renewLeaseBody struct {
	Increment string `json:"increment,omitempty"`
}

// Create issues credentials from engine's role (WithTTL, InRealm); the role's max_ttl caps
// the TTL. The credentials are returned only this once: Revoke the lease when done.
func (s *LeaseService) Create(ctx context.Context, engine, role string, opts ...CallOption) (*Lease, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	body := createLeaseBody{Engine: engine, Role: role}
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

// Renew extends a lease from now (WithIncrement; default the role's TTL), never past
// its issue time plus the role's max_ttl.
func (s *LeaseService) Renew(ctx context.Context, leaseID string, opts ...CallOption) (*LeaseInfo, error) {
	o := collect(opts)
	realm, err := s.c.realmOf(o)
	if err != nil {
		return nil, err
	}
	var body renewLeaseBody
	if o.increment > 0 {
		body.Increment = duration(o.increment)
	}
	info, err := call[LeaseInfo](ctx, s.c, request{op: opRenewLease, path: []string{realm, leaseID}, json: body})
	if err == nil && info.LeaseID == "" {
		// An answer without the lease (204): read it back for the new expiry.
		return s.Get(ctx, leaseID, InRealm(realm))
	}
	return info, err
}

// Revoke drops the credentials in the external system before it returns.
func (s *LeaseService) Revoke(ctx context.Context, leaseID string, opts ...CallOption) error {
	realm, err := s.c.realmOf(collect(opts))
	if err != nil {
		return err
	}
	return s.c.do(ctx, request{op: opRevokeLease, path: []string{realm, leaseID}}, nil)
}
