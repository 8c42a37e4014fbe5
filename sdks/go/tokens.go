package arcan

import "context"

// TokensService manages API tokens. A token's value is returned only by Create and Rotate.
type TokensService struct{ c *Client }

// Create issues a token; its Token field (arc_…) is shown only this once.
func (s *TokensService) Create(ctx context.Context, req CreateTokenRequest) (*TokenWithValue, error) {
	return call[TokenWithValue](ctx, s.c, request{op: opCreateToken, json: req})
}

// List returns one page of tokens (never values or hashes).
func (s *TokensService) List(ctx context.Context, opts ...CallOption) (*TokenList, error) {
	return call[TokenList](ctx, s.c, request{op: opListTokens, query: page(collect(opts))})
}

// Get returns one token's details.
func (s *TokensService) Get(ctx context.Context, id string) (*Token, error) {
	return call[Token](ctx, s.c, request{op: opGetToken, path: []string{id}})
}

// Rotate gives the token a new value with the same id and permissions; the old value stops working.
func (s *TokensService) Rotate(ctx context.Context, id string) (*TokenWithValue, error) {
	return call[TokenWithValue](ctx, s.c, request{op: opRotateToken, path: []string{id}})
}

// Revoke stops the token at once.
func (s *TokensService) Revoke(ctx context.Context, id string) (*Token, error) {
	return call[Token](ctx, s.c, request{op: opRevokeToken, path: []string{id}})
}

// Delete removes the token.
func (s *TokensService) Delete(ctx context.Context, id string) error {
	return s.c.do(ctx, request{op: opDeleteToken, path: []string{id}}, nil)
}

// Verify checks the client's own token: Valid is false (and err nil) when it is missing,
// invalid, expired or revoked.
func (s *TokensService) Verify(ctx context.Context) (*TokenVerification, error) {
	out, err := call[TokenVerification](ctx, s.c, request{op: opVerifyToken})
	if IsUnauthorized(err) {
		return &TokenVerification{Valid: false}, nil
	}
	return out, err
}
