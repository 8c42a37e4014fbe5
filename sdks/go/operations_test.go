package arcan

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// documentOperations reads the repository's openapi.json: "METHOD /path" → operationId.
func documentOperations(t *testing.T) map[string]string {
	t.Helper()
	text, err := os.ReadFile("../../openapi.json")
	if os.IsNotExist(err) {
		t.Skip("openapi.json is not next to this module (not inside the Arcan repository)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(text, &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			ops[strings.ToUpper(method)+" "+normalize(path)] = op.OperationID
		}
	}
	return ops
}

// normalize drops path parameter names: the facades fill parameters by position.
func normalize(path string) string { return paramName.ReplaceAllString(path, "{}") }

var paramName = regexp.MustCompile(`\{[^}]+\}`)

// area is the part of a path that names its domain: "/api/v1/realms/{}/leases",
// "/api/v1/sts". Once the document has any operation in an awaited operation's area, the
// issue has landed and the operation must be there too.
func area(path string) string {
	parts := strings.Split(normalize(path), "/")
	n := 4 // "", "api", "v1", <domain>
	if len(parts) > 4 && parts[3] == "realms" && parts[4] == "{}" {
		n = 6
	}
	if len(parts) < n {
		n = len(parts)
	}
	return strings.Join(parts[:n], "/")
}

func documentHasArea(document map[string]string, a string) bool {
	for key := range document {
		path := key[strings.IndexByte(key, ' ')+1:]
		if path == a || strings.HasPrefix(path, a+"/") {
			return true
		}
	}
	return false
}

// Every facade method calls an operation of the document (or, while its issue has not
// landed, one the contract names); the operations no facade calls are listed.
func TestFacadesCallOnlyDocumentedOperations(t *testing.T) {
	document := documentOperations(t)
	covered := map[string]bool{}
	for _, op := range facadeOperations {
		key := op.Method + " " + normalize(op.Path)
		id, ok := document[key]
		switch {
		case ok:
			covered[id] = true
			t.Logf("%-14s %s (%s)", op.Facade, id, key)
		case op.Awaiting != "" && !documentHasArea(document, area(op.Path)):
			t.Logf("%-14s %s is not in openapi.json yet: awaiting %s", op.Facade, key, op.Awaiting)
		default:
			t.Errorf("%s calls %s, which openapi.json does not have", op.Facade, key)
		}
	}
	var uncovered []string
	for _, id := range document {
		if !covered[id] {
			uncovered = append(uncovered, id)
		}
	}
	sort.Strings(uncovered)
	t.Logf("operations no Go facade calls (%d): %s", len(uncovered), strings.Join(uncovered, ", "))
	if len(covered) == 0 {
		t.Fatal("no facade operation matched the document")
	}
}

func TestAreas(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/realms/{realm}/leases/{id}/renew": "/api/v1/realms/{}/leases",
		"/api/v1/realms/{realm}/leases":            "/api/v1/realms/{}/leases",
		"/api/v1/sts/token":                        "/api/v1/sts",
		"/api/v1/authorize":                        "/api/v1/authorize",
		"/api/v1/realms/{realm}":                   "/api/v1/realms/{}",
	} {
		if got := area(path); got != want {
			t.Errorf("area(%s) = %s, want %s", path, got, want)
		}
	}
}

func TestFacadeOperationsAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, op := range facadeOperations {
		key := op.Method + " " + op.Path
		if other, dup := seen[key]; dup {
			t.Errorf("%s and %s both declare %s", other, op.Facade, key)
		}
		seen[key] = op.Facade
	}
}
