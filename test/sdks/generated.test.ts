// The Go and Python SDKs' generated types are what the committed OpenAPI document
// generates (the same drift rule as the TypeScript SDK).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { GO_TYPES_FILE, goTypesText, PY_TYPES_FILE, pythonTypesText, type Schema, SDK_NAMES } from "../../scripts/sdk-generate";
import { OPENAPI_FILE } from "../../scripts/openapi";

const documentText = readFileSync(OPENAPI_FILE, "utf8");
const schemas = (JSON.parse(documentText) as { components: { schemas: Record<string, Schema> } }).components.schemas;
const FIX = 'run "npm run sdk:generate" (or "npm run openapi") and commit sdks/go/types_gen.go and sdks/python/arcan/_types.py';

describe("SDK types generated from openapi.json", () => {
  it("sdks/go/types_gen.go is up to date", () => {
    assert.ok(readFileSync(GO_TYPES_FILE, "utf8") === goTypesText(documentText), `sdks/go/types_gen.go is stale: ${FIX}`);
  });

  it("sdks/python/arcan/_types.py is up to date", () => {
    assert.ok(readFileSync(PY_TYPES_FILE, "utf8") === pythonTypesText(documentText), `sdks/python/arcan/_types.py is stale: ${FIX}`);
  });

  it("generates a Go struct and a Python dataclass for every object schema", () => {
    const go = readFileSync(GO_TYPES_FILE, "utf8");
    const py = readFileSync(PY_TYPES_FILE, "utf8");
    const objects = Object.entries(schemas).filter(([, s]) => s.type === "object" && s.properties);
    assert.ok(objects.length >= 20, `found ${objects.length}`);
    for (const [schema, s] of objects) {
      const name = SDK_NAMES[schema] ?? schema;
      assert.match(go, new RegExp(`^type ${name} struct \\{`, "m"), `Go ${name}`);
      assert.match(py, new RegExp(`^class ${name}[:(]`, "m"), `Python ${name}`);
      for (const prop of Object.keys(s.properties!)) assert.ok(go.includes(`json:"${prop}`), `Go ${name}.${prop}`);
    }
    assert.match(go, /CapabilitySecretsRead +Capability = "secrets:read"/);
    assert.match(py, /^Capability = Literal\["secrets:read"/m);
  });

  it("generates the lease, authorize and token-exchange types under the SDKs' names", () => {
    const go = readFileSync(GO_TYPES_FILE, "utf8");
    const py = readFileSync(PY_TYPES_FILE, "utf8");
    // The document's Lease (no credentials) is the SDKs' LeaseInfo; their Lease aliases CreatedLease.
    assert.match(go, /^type LeaseInfo struct \{[^}]*State +string +`json:"state"`/m);
    assert.doesNotMatch(go, /^type Lease struct/m);
    assert.match(go, /^type LeaseList struct \{\s*Items +\[\]LeaseInfo /m);
    assert.match(go, /^type CreatedLease struct \{[^}]*Credentials +map\[string\]string +`json:"credentials"`/m);
    assert.match(py, /^class LeaseInfo:\n {4}"""A lease without its credentials"""/m);
    for (const name of ["AuthorizeRequest", "AuthorizeResponse", "StsTokenRequest", "StsTokenResponse", "CreateLeaseRequest", "RenewedLease"]) {
      assert.match(go, new RegExp(`^type ${name} struct \\{`, "m"), `Go ${name}`);
      assert.match(py, new RegExp(`^class ${name}:`, "m"), `Python ${name}`);
    }
  });
});
