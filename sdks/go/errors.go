package arcan

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Error is a failed call: the server's RFC 9457 problem details, or Status 0 and Code
// "connection_failed" when the server could not be reached. Use errors.As to get it,
// or the Is… helpers.
type Error struct {
	// Status is the HTTP status (0: no answer).
	Status int
	// Code is stable and machine-readable: "realm_not_found", "cas_mismatch", "missing_capability", …
	Code   string
	Title  string
	Detail string
	Type   string
	// RequestID is the server's request id: quote it when asking an operator to look at the audit log.
	RequestID string
	// Errors lists field-level problems of a 400.
	Errors []ProblemErrors
	// RetryAfter is the wait the server asked for (429, 503).
	RetryAfter time.Duration
	// OAuthError and OAuthErrorDescription are the RFC 8693 fields of an STS error
	// ("invalid_request", "invalid_scope", …).
	OAuthError            string
	OAuthErrorDescription string
	// Body is the answer as received, for problems this type does not model.
	Body []byte

	cause error
}

func (e *Error) Error() string {
	if e.RequestID != "" {
		return fmt.Sprintf("arcan: %d %s: %s (request %s)", e.Status, e.Code, e.Detail, e.RequestID)
	}
	return fmt.Sprintf("arcan: %d %s: %s", e.Status, e.Code, e.Detail)
}

// Unwrap returns the network or TLS error of a connection failure.
func (e *Error) Unwrap() error { return e.cause }

type problemBody struct {
	Problem
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func errorFromResponse(status int, header http.Header, body []byte) *Error {
	e := &Error{Status: status, Body: body, RequestID: header.Get("X-Request-Id")}
	if seconds, err := strconv.Atoi(header.Get("Retry-After")); err == nil && seconds >= 0 {
		e.RetryAfter = time.Duration(seconds) * time.Second
	}
	var p problemBody
	if json.Unmarshal(body, &p) == nil && p.Code != "" {
		e.Code, e.Title, e.Detail, e.Type = p.Code, p.Title, p.Detail, p.Type
		e.Errors = p.Errors
		e.OAuthError, e.OAuthErrorDescription = p.Error, p.ErrorDescription
		if p.RequestID != "" {
			e.RequestID = p.RequestID
		}
		return e
	}
	e.Code = "http_" + strconv.Itoa(status)
	e.Title = http.StatusText(status)
	e.Detail = fmt.Sprintf("The server answered %d without problem details.", status)
	return e
}

func connectionFailed(baseURL string, cause error) *Error {
	return &Error{Code: "connection_failed", Title: "Connection failed", Detail: fmt.Sprintf("could not reach %s: %v", baseURL, cause), cause: cause}
}

func statusOf(err error) (int, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, true
	}
	return 0, false
}

func hasStatus(err error, status int) bool {
	s, ok := statusOf(err)
	return ok && s == status
}

// IsNotFound reports whether err is an *Error for 404, an unknown resource or a realm the caller may not see.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is an *Error for 401, no token, or an invalid, expired or revoked one.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is an *Error for 403, the token lacks the capability.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsConflict reports whether err is an *Error for 409, a duplicate name or a failed check-and-set.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsRateLimited reports whether err is an *Error for 429; its RetryAfter says how long to wait.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsConnectionFailed reports whether the server could not be reached (DNS, TCP, TLS).
func IsConnectionFailed(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == "connection_failed"
}
