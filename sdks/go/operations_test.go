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

// undocumented lists the operations that are not in the document, as "Facade: METHOD path".
func undocumented(document map[string]string, ops []*operation) []string {
	var missing []string
	for _, op := range ops {
		if key := op.Method + " " + normalize(op.Path); document[key] == "" {
			missing = append(missing, op.Facade+": "+key)
		}
	}
	return missing
}

// Every facade method calls an operation of the document; the operations no facade calls
// are listed.
func TestFacadesCallOnlyDocumentedOperations(t *testing.T) {
	document := documentOperations(t)
	for _, missing := range undocumented(document, facadeOperations) {
		t.Errorf("%s, which openapi.json does not have", missing)
	}
	covered := map[string]bool{}
	for _, op := range facadeOperations {
		if id := document[op.Method+" "+normalize(op.Path)]; id != "" {
			covered[id] = true
			t.Logf("%-14s %s (%s %s)", op.Facade, id, op.Method, op.Path)
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

func TestAnOperationMissingFromTheDocumentIsReported(t *testing.T) {
	document := documentOperations(t)
	ghost := &operation{Facade: "Lease.Ghost", Method: "POST", Path: "/api/v1/realms/{realm}/leases/{id}/ghost"}
	got := undocumented(document, []*operation{opGetLease, ghost})
	if len(got) != 1 || got[0] != "Lease.Ghost: POST /api/v1/realms/{}/leases/{}/ghost" {
		t.Fatalf("undocumented = %q", got)
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
