package arcan

// operation is one REST operation a facade method calls. Every facade call goes through
// a declared operation, so facadeOperations is the complete list; a test checks it
// against openapi.json (operations_test.go).
type operation struct {
	// Facade is the method that calls it, e.g. "KV.Get".
	Facade string
	Method string
	// Path is the document's path template, e.g. "/api/v1/realms/{realm}/secrets/{key}".
	Path string
}

var facadeOperations []*operation

func declare(facade, method, path string) *operation {
	op := &operation{Facade: facade, Method: method, Path: path}
	facadeOperations = append(facadeOperations, op)
	return op
}

var (
	opGetSecret    = declare("KV.Get", "GET", "/api/v1/realms/{realm}/secrets/{key}")
	opPutSecret    = declare("KV.Put", "PUT", "/api/v1/realms/{realm}/secrets/{key}")
	opDeleteSecret = declare("KV.Delete", "DELETE", "/api/v1/realms/{realm}/secrets/{key}")
	opListSecrets  = declare("KV.List", "GET", "/api/v1/realms/{realm}/secrets")
	opListVersions = declare("KV.Versions", "GET", "/api/v1/realms/{realm}/secrets/{key}/versions")

	opCreateToken = declare("Tokens.Create", "POST", "/api/v1/auth/tokens")
	opListTokens  = declare("Tokens.List", "GET", "/api/v1/auth/tokens")
	opGetToken    = declare("Tokens.Get", "GET", "/api/v1/auth/tokens/{id}")
	opDeleteToken = declare("Tokens.Delete", "DELETE", "/api/v1/auth/tokens/{id}")
	opRotateToken = declare("Tokens.Rotate", "POST", "/api/v1/auth/tokens/{id}/rotate")
	opRevokeToken = declare("Tokens.Revoke", "POST", "/api/v1/auth/tokens/{id}/revoke")
	opVerifyToken = declare("Tokens.Verify", "GET", "/api/v1/auth/verify")

	opListRealms  = declare("Realms.List", "GET", "/api/v1/realms")
	opCreateRealm = declare("Realms.Create", "POST", "/api/v1/realms")
	opGetRealm    = declare("Realms.Get", "GET", "/api/v1/realms/{realm}")
	opUpdateRealm = declare("Realms.Update", "PATCH", "/api/v1/realms/{realm}")
	opDeleteRealm = declare("Realms.Delete", "DELETE", "/api/v1/realms/{realm}")

	opCreateLease = declare("Lease.Create", "POST", "/api/v1/realms/{realm}/leases")
	opGetLease    = declare("Lease.Get", "GET", "/api/v1/realms/{realm}/leases/{id}")
	opRenewLease  = declare("Lease.Renew", "POST", "/api/v1/realms/{realm}/leases/{id}/renew")
	opRevokeLease = declare("Lease.Revoke", "POST", "/api/v1/realms/{realm}/leases/{id}/revoke")

	opAuthorize   = declare("Authorize", "POST", "/api/v1/authorize")
	opSTSExchange = declare("STS.Exchange", "POST", "/api/v1/sts/token")
)
