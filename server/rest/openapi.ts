/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
import { z } from "zod";
import { ERROR_TABLE } from "../errors";
import { ZProblem, type AnyRoute } from "./route";

type JsonSchema = Record<string, unknown>;

const PROBLEM_STATUSES: Record<string, string> = {
  "400": "invalid_input",
  "401": "unauthenticated",
  "403": "forbidden",
  "404": "not_found",
  "409": "conflict",
  "413": "payload_too_large",
  "415": "unsupported_media_type",
  "429": "rate_limited",
  "503": "unavailable",
};

export function buildOpenApi(routes: readonly AnyRoute[]): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: "any", reused: "inline", target: "draft-2020-12" }) as JsonSchema;
    delete json.$schema;
    return hoistDefs(json, components);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const openApiPath = r.path.replace(/:([a-z_]+)/g, "{$1}");
    const parameters = [...objectParams(r.params, "path", toSchema), ...objectParams(r.query, "query", toSchema)];
    const status = String(r.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]:
        r.response === null
          ? { description: status === "204" ? "No content" : "Success" }
          : { description: "Success", content: { "application/json": { schema: toSchema(r.response, "output") } } },
    };
    const problems = r.public ? ["400", "429"] : ["400", "401", "403", "404", "409", "413", "415", "429", "503"];
    for (const code of problems) {
      responses[code] = {
        description: ERROR_TABLE[PROBLEM_STATUSES[code] as keyof typeof ERROR_TABLE].title,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    paths[openApiPath] ??= {};
    paths[openApiPath][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      ...(r.public ? { security: [] } : { "x-arcan-capability": r.capability }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: !r.body.safeParse(undefined).success, content: { "application/json": { schema: toSchema(r.body, "input") } } } } : {}),
      responses,
    };
  }
  components.Problem = toSchema(ZProblem, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "Arcan API",
      version: "1.0.0",
      description: "Secrets and access control for services and AI agents. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { token: [] }, { apiKey: [] }],
    tags: ["system", "tokens", "realms", "rbac", "secrets", "audit"].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "Authorization: Bearer arc_…" },
        token: { type: "apiKey", in: "header", name: "Authorization", description: "Authorization: Token arc_… (InfluxDB 2.x style)" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
  };
}

/** Moves named schemas (zod `.meta({ id })`) into components and leaves $refs behind. */
function hoistDefs(json: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] ??= rewriteRefs(def) as JsonSchema;
  if (typeof json.id === "string") {
    const name = json.id;
    delete json.id;
    components[name] ??= rewriteRefs(json) as JsonSchema;
    return { $ref: `#/components/schemas/${name}` };
  }
  return rewriteRefs(json) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) out[k] = v.replace("#/$defs/", "#/components/schemas/");
      else if (k === "id" && typeof v === "string") continue;
      else out[k] = rewriteRefs(v);
    }
    return out;
  }
  return value;
}

function objectParams(schema: z.ZodType | undefined, where: "path" | "query", toSchema: (s: z.ZodType, io: "input" | "output") => JsonSchema) {
  if (!schema) return [];
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: s,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
  }));
}
