// The Go and Python SDKs' generated types are what the committed OpenAPI document
// generates (the same drift rule as the TypeScript SDK), and the types written by hand
// for contract operations agree with the document once it has a schema of their name.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { GO_CONTRACT_FILE, GO_TYPES_FILE, goTypesText, PY_CONTRACT_FILE, PY_TYPES_FILE, pythonTypesText, type Schema } from "../../scripts/sdk-generate";
import { OPENAPI_FILE } from "../../scripts/openapi";

const documentText = readFileSync(OPENAPI_FILE, "utf8");
const schemas = (JSON.parse(documentText) as { components: { schemas: Record<string, Schema> } }).components.schemas;
const FIX = 'run "npm run sdk:generate" (or "npm run openapi") and commit sdks/go/types_gen.go and sdks/python/arcan/_types.py';

/** Struct or class name → the JSON names of its fields, from a hand-written file. */
function handWritten(file: string, block: RegExp, field: RegExp): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of readFileSync(file, "utf8").matchAll(block)) out.set(m[1]!, [...m[2]!.matchAll(field)].map((f) => f[1]!));
  return out;
}

describe("SDK types generated from openapi.json", () => {
  it("sdks/go/types_gen.go is up to date", () => {
    assert.ok(readFileSync(GO_TYPES_FILE, "utf8") === goTypesText(documentText), `sdks/go/types_gen.go is stale: ${FIX}`);
  });

  it("sdks/python/arcan/_types.py is up to date", () => {
    assert.ok(readFileSync(PY_TYPES_FILE, "utf8") === pythonTypesText(documentText), `sdks/python/arcan/_types.py is stale: ${FIX}`);
  });

  it("generates a Go struct and a Python dataclass for every object schema", () => {
    // A schema the contract files already hand-write is skipped by the generator, so both files count.
    const go = readFileSync(GO_TYPES_FILE, "utf8") + readFileSync(GO_CONTRACT_FILE, "utf8");
    const py = readFileSync(PY_TYPES_FILE, "utf8") + readFileSync(PY_CONTRACT_FILE, "utf8");
    const objects = Object.entries(schemas).filter(([, s]) => s.type === "object" && s.properties);
    assert.ok(objects.length >= 20, `found ${objects.length}`);
    for (const [name, s] of objects) {
      assert.match(go, new RegExp(`^type ${name} struct \\{`, "m"), `Go ${name}`);
      assert.match(py, new RegExp(`^class ${name}[:(]`, "m"), `Python ${name}`);
      for (const prop of Object.keys(s.properties!)) assert.ok(go.includes(`json:"${prop}`), `Go ${name}.${prop}`);
    }
    assert.match(go, /CapabilitySecretsRead +Capability = "secrets:read"/);
    assert.match(py, /^Capability = Literal\["secrets:read"/m);
  });

  // The SDKs' `Lease` is what lease create answers: the document calls that schema CreatedLease.
  const DOCUMENT_NAME: Record<string, string> = { Lease: "CreatedLease" };
  it("hand-written contract types use the document's field names once it has their schema", () => {
    const go = handWritten(GO_CONTRACT_FILE, /^type (\w+) struct \{([\s\S]*?)^\}/gm, /json:"([a-z_]+)/g);
    const py = handWritten(PY_CONTRACT_FILE, /^class (\w+)\(_Encodable\):([\s\S]*?)@classmethod/gm, /^ {4}([a-z_]+): /gm);
    assert.ok(go.has("Lease") && py.has("Lease"), "the contract types are found");
    assert.deepEqual([...go.get("Lease")!].sort(), ["credentials", "engine", "expires_at", "issued_at", "lease_id", "renewable", "role", "warnings"]);
    for (const [language, types] of [["Go", go], ["Python", py]] as const) {
      for (const [name, fields] of types) {
        const schema = schemas[DOCUMENT_NAME[name] ?? name];
        if (!schema?.properties) continue;
        const unknown = fields.filter((f) => !(f in schema.properties!));
        assert.deepEqual(unknown, [], `${language} ${name} reads fields the document's ${name} does not have`);
      }
    }
  });
});
