/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas. The committed
 * copy (`openapi.json`, written by `scripts/openapi.ts`) and the SDK are generated from
 * this function, and a test fails when the committed copy differs from the served one.
 */
import { z } from "zod";
import { ERROR_TABLE, type ErrorKind } from "../errors";
import { ZProblem, type AnyRoute, type DocumentedResponse } from "./route";

type JsonSchema = Record<string, unknown>;
type ToSchema = (schema: z.ZodType, io: "input" | "output") => JsonSchema;

/** Every problem status a route can answer, with a typical `code` as the example. */
const PROBLEMS: Record<string, { kind: ErrorKind; code: string; detail: string }> = {
  "400": { kind: "invalid_input", code: "validation_failed", detail: "Invalid body: name: Too small: expected string to have >=1 characters." },
  "401": { kind: "unauthenticated", code: "token_missing", detail: "Send an API token as 'Authorization: Bearer <token>', 'Authorization: Token <token>' or 'X-API-Key: <token>'." },
  "403": { kind: "forbidden", code: "missing_capability", detail: 'This request needs the capability "secrets:read" in realm "myapp".' },
  "404": { kind: "not_found", code: "realm_not_found", detail: 'Realm "myapp" was not found.' },
  "409": { kind: "conflict", code: "conflict", detail: "Check-and-set failed: the current version is 3, not 2." },
  "413": { kind: "payload_too_large", code: "payload_too_large", detail: "The request body is too large." },
  "415": { kind: "unsupported_media_type", code: "unsupported_media_type", detail: "Send the body as application/json." },
  "429": { kind: "rate_limited", code: "rate_limited", detail: "Rate limit of 100 requests per second exceeded." },
  "503": { kind: "unavailable", code: "not_ready", detail: "The store is not reachable." },
};

const TAG_DESCRIPTIONS: Record<string, string> = {
  system: "Health, readiness, metrics and public keys (no token needed).",
  tokens: "API tokens: create (the value is shown once), list, rotate, revoke; verify a token.",
  realms: "Realms are the tenants that own secrets, engines and leases.",
  rbac: "Roles (named sets of capabilities) and bindings of subjects to roles in realms.",
  secrets: "The KV secrets engine: versioned values with check-and-set.",
  audit: "The tamper-evident audit trail: search and chain verification.",
  webhooks: "Signed event delivery to your endpoints: subscriptions, delivery log, dead letters, redelivery.",
  plugins: "Signed, sandboxed plugins that add engine types: install from the registry or upload, upgrade, remove.",
  gateway: "The transparent proxy's routes: /gateway/<name>/<path> with an STS token is decided by policy and sent upstream with the route's credential injected.",
};

const HEADERS: Record<string, { description: string; schema: JsonSchema }> = {
  "X-RateLimit-Limit": { description: "Requests allowed per second", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the current second", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "When the window resets (Unix seconds)", schema: { type: "integer" } },
  "X-Request-Id": { description: "The request id (the client's X-Request-Id if valid, otherwise req_…)", schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
  "WWW-Authenticate": { description: 'Bearer realm="arcan"', schema: { type: "string" } },
};
const SUCCESS_HEADERS = Object.fromEntries(
  ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"].map((h) => [h, { $ref: `#/components/headers/${h}` }]),
);

export function buildOpenApi(routes: readonly AnyRoute[]): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const toSchema: ToSchema = (schema, io) => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: "any", reused: "inline", target: "draft-2020-12" }) as JsonSchema;
    delete json.$schema;
    return hoistDefs(json, components);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  const tags: string[] = [];
  for (const r of routes) {
    if (!tags.includes(r.tag)) tags.push(r.tag);
    const openApiPath = r.path.replace(/:([a-z_]+)/g, "{$1}");
    const parameters = [...objectParams(r.params, "path", toSchema), ...objectParams(r.query, "query", toSchema)];
    paths[openApiPath] ??= {};
    paths[openApiPath][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      description: describeRoute(r),
      tags: [r.tag],
      ...(r.public ? { security: [] } : { "x-arcan-capability": r.capability }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: !r.body.safeParse(undefined).success, content: { "application/json": { schema: toSchema(r.body, "input") } } } } : {}),
      ...(r.public && r.form ? { requestBody: { required: true, content: { "application/x-www-form-urlencoded": { schema: toSchema(r.form, "input") } } } } : {}),
      responses: responsesFor(r, toSchema),
    };
  }
  toSchema(ZProblem, "output"); // registers the named Problem schema in components
  return {
    openapi: "3.1.0",
    info: {
      title: "Arcan API",
      version: "1.0.0",
      summary: "Secrets and access control for services and AI agents.",
      description:
        "The Arcan REST surface. HTTPS only. Authenticate with an API token in `Authorization: Bearer <token>`, " +
        "`Authorization: Token <token>` or `X-API-Key: <token>`. Errors are RFC 9457 problem details " +
        "(`application/problem+json`) with a stable `code` and the `request_id`.",
    },
    servers: [{ url: "/", description: "The Arcan server that serves this document" }],
    security: [{ bearer: [] }, { token: [] }, { apiKey: [] }],
    tags: tags.map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(Object.keys(PROBLEMS).map((code) => [problemName(code), problemResponse(code)])),
      headers: HEADERS,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "arc_…", description: "Authorization: Bearer arc_…" },
        token: { type: "apiKey", in: "header", name: "Authorization", description: "Authorization: Token arc_… (InfluxDB 2.x style)" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "X-API-Key: arc_…" },
      },
    },
  };
}

function describeRoute(r: AnyRoute): string {
  const access = r.public ? "Public: no token needed." : `Requires the capability \`${r.capability}\`.`;
  return r.description ? `${r.description}\n\n${access}` : access;
}

function responsesFor(r: AnyRoute, toSchema: ToSchema): Record<string, unknown> {
  const status = String(r.status ?? 200);
  const responses: Record<string, unknown> = {
    [status]:
      r.response === null
        ? { description: status === "204" ? "No content" : "Success", headers: SUCCESS_HEADERS }
        : { description: "Success", headers: SUCCESS_HEADERS, content: { "application/json": { schema: toSchema(r.response, "output") } } },
  };
  for (const [code, doc] of Object.entries((r.responses ?? {}) as Record<string, DocumentedResponse>)) {
    responses[code] = {
      description: doc.description,
      ...(doc.schema ? { content: { [doc.contentType ?? "application/json"]: { schema: toSchema(doc.schema, "output") } } } : {}),
    };
  }
  for (const code of problemStatuses(r)) responses[code] ??= { $ref: `#/components/responses/${problemName(code)}` };
  return responses;
}

/** The problem statuses a route can answer, following the REST app's middleware chain. */
function problemStatuses(r: AnyRoute): string[] {
  if (r.public) return [...(r.params || r.query ? ["400"] : []), "429"];
  const writes = r.method !== "GET";
  return ["400", "401", "403", "404", ...(writes ? ["409"] : []), "413", ...(r.body ? ["415"] : []), "429", "503"];
}

/** Component name of a problem response: "Problem404". */
function problemName(code: string): string {
  return `Problem${code}`;
}

function problemResponse(code: string): unknown {
  const p = PROBLEMS[code]!;
  const { title, status } = ERROR_TABLE[p.kind];
  const example = {
    type: `https://getarcan.dev/problems/${p.code}`,
    title,
    status,
    detail: p.detail,
    code: p.code,
    request_id: "req_4f1c2a9be0d34c7e9a51c0f2d6b8e713",
    ...(code === "400" ? { errors: [{ field: "name", message: "Too small: expected string to have >=1 characters" }] } : {}),
  };
  const header = code === "429" ? "Retry-After" : code === "401" ? "WWW-Authenticate" : null;
  const headers = { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" }, ...(header ? { [header]: { $ref: `#/components/headers/${header}` } } : {}) };
  return {
    description: title,
    headers,
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" }, example } },
  };
}

/** Moves named schemas (zod `.meta({ id })`, emitted under `$defs`) into components and leaves $refs behind. */
function hoistDefs(json: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] ??= rewriteRefs(def) as JsonSchema;
  return rewriteRefs(json) as JsonSchema;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) out[k] = v.replace("#/$defs/", "#/components/schemas/");
      else out[k] = rewriteRefs(v);
    }
    return out;
  }
  return value;
}

function objectParams(schema: z.ZodType | undefined, where: "path" | "query", toSchema: ToSchema) {
  if (!schema) return [];
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => {
    const { description, examples, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      schema: rest,
      ...(typeof description === "string" ? { description } : {}),
      ...(Array.isArray(examples) && examples.length ? { example: examples[0] } : {}),
    };
  });
}
