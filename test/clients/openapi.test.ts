// The OpenAPI document: a stock validator accepts it, it covers every route with request,
// response and problem schemas, its examples are true, and the committed copy, the SDK's
// generated types and the document the running server serves all agree.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { validate } from "@readme/openapi-parser";
import { z } from "zod";
import { OPENAPI_FILE, openApiText, SDK_TYPES_FILE, sdkTypesText } from "../../scripts/openapi";
import { allRoutes } from "../../server/rest/routes/index";
import { ROOT, startServer, type TestServer } from "../helpers/server";

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, Record<string, unknown>>> };

const committedText = readFileSync(OPENAPI_FILE, "utf8");
const committed = JSON.parse(committedText) as Doc;
const FIX = 'run "npm run openapi" and commit openapi.json and sdk/src/generated/api.ts';

describe("OpenAPI document", () => {
  it("passes @readme/openapi-parser's validation", async () => {
    const result = await validate(structuredClone(committed) as never);
    assert.equal(result.valid, true, JSON.stringify(result, null, 2).slice(0, 4000));
    assert.equal(result.specification, "OpenAPI");
    assert.deepEqual(result.warnings, []);
  });

  it("is what the route table generates (committed openapi.json is up to date)", () => {
    assert.ok(openApiText() === committedText, `openapi.json differs from the route table: ${FIX}`);
  });

  it("is what the SDK's committed types were generated from", async () => {
    const types = readFileSync(SDK_TYPES_FILE, "utf8");
    assert.ok((await sdkTypesText(committedText)) === types, `sdk/src/generated/api.ts is stale: ${FIX}`);
  });

  it("documents every route: parameters, bodies, responses, problem+json errors and security", () => {
    const schemes = committed.components.securitySchemes!;
    assert.deepEqual(schemes.bearer, { type: "http", scheme: "bearer", bearerFormat: "arc_…", description: "Authorization: Bearer arc_…" });
    assert.equal(schemes.token!.in, "header");
    assert.equal(schemes.token!.name, "Authorization");
    assert.equal(schemes.apiKey!.name, "X-API-Key");
    const operationIds = new Set<string>();
    for (const r of allRoutes) {
      const where = `${r.method} ${r.path}`;
      const op = committed.paths[r.path.replace(/:([a-z_]+)/g, "{$1}")]?.[r.method.toLowerCase()];
      assert.ok(op, `${where} is in the document`);
      assert.equal(op.operationId, r.operationId);
      assert.ok(!operationIds.has(op.operationId), `operationId ${op.operationId} is unique`);
      operationIds.add(op.operationId);
      for (const name of r.path.match(/:([a-z_]+)/g) ?? []) {
        assert.ok(op.parameters?.some((p) => p.in === "path" && p.name === name.slice(1) && p.required), `${where}: path parameter ${name}`);
      }
      if (r.body) assert.ok(op.requestBody?.content["application/json"]?.schema, `${where}: request body schema`);
      const status = String(r.status ?? 200);
      const success = op.responses[status];
      assert.ok(success, `${where}: ${status} response`);
      if (r.response !== null) assert.ok(success.content?.["application/json"]?.schema, `${where}: response schema`);
      if (!r.path.startsWith("/api/v1/")) continue;
      if (r.public) {
        assert.deepEqual(op.security, [], `${where} is public`);
      } else {
        assert.equal(op.security, undefined, `${where} uses the document's security`);
        for (const code of ["400", "401", "403", "404", "429"]) assert.equal(op.responses[code]?.$ref, `#/components/responses/Problem${code}`, `${where}: ${code} problem`);
      }
    }
    const problem = committed.components.responses!.Problem404 as { content: Record<string, { schema: unknown; example: { status: number } }> };
    assert.deepEqual(problem.content["application/problem+json"]!.schema, { $ref: "#/components/schemas/Problem" });
    assert.equal(problem.content["application/problem+json"]!.example.status, 404);
  });

  it("has examples that the route schemas accept", () => {
    // zod keeps named schemas (`.meta({ id })`) in its global registry; the document's components carry their examples.
    const named = (z.globalRegistry as unknown as { _idmap: Map<string, z.ZodType> })._idmap;
    let checked = 0;
    for (const [name, schema] of Object.entries(committed.components.schemas!)) {
      const examples = (schema as { examples?: unknown[] }).examples ?? [];
      for (const example of examples) {
        const zodSchema = named.get(name);
        assert.ok(zodSchema, `component ${name} comes from a named zod schema`);
        const parsed = zodSchema.safeParse(example);
        assert.ok(parsed.success, `example of ${name}: ${parsed.error?.message}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 10, `checked ${checked} examples`);
  });
});

describe("OpenAPI document served by a running server", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ store: "sqlite" });
  });
  after(() => server?.cleanup());

  it("equals the committed openapi.json", async () => {
    const reply = await server.request("GET", "/api/v1/openapi.json", { token: null });
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers["content-type"]), /^application\/json/);
    assert.deepEqual(reply.body, committed, `the served document differs from ${path.relative(ROOT, OPENAPI_FILE)}: ${FIX}`);
  });
});
