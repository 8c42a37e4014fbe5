package arcan

import "context"

// RealmsService manages realms, the tenants that own secrets, engines and leases.
type RealmsService struct{ c *Client }

// List returns the realms the token may see.
func (s *RealmsService) List(ctx context.Context) ([]Realm, error) {
	var out RealmList
	if err := s.c.do(ctx, request{op: opListRealms}, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Create makes a realm; its name is a lowercase slug.
func (s *RealmsService) Create(ctx context.Context, req CreateRealmRequest) (*Realm, error) {
	return call[Realm](ctx, s.c, request{op: opCreateRealm, json: req})
}

// Get returns one realm (404 when it does not exist or the token may not see it).
func (s *RealmsService) Get(ctx context.Context, name string) (*Realm, error) {
	return call[Realm](ctx, s.c, request{op: opGetRealm, path: []string{name}})
}

// Update changes a realm's description.
func (s *RealmsService) Update(ctx context.Context, name string, req UpdateRealmRequest) (*Realm, error) {
	return call[Realm](ctx, s.c, request{op: opUpdateRealm, path: []string{name}, json: req})
}

// Delete removes a realm with its secrets and bindings.
func (s *RealmsService) Delete(ctx context.Context, name string) error {
	return s.c.do(ctx, request{op: opDeleteRealm, path: []string{name}}, nil)
}
