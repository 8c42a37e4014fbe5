/**
 * Request generators driven by the served OpenAPI document: for every operation, fast-check
 * arbitraries of path parameters, query strings, bodies, content types and credentials,
 * mixing values the schema accepts (with awkward content: huge, unicode, traversal) and
 * values it must refuse (wrong types, out of range, NUL, deep or duplicate-key JSON). No
 * per-route code: a route another change adds is fuzzed from its document entry.
 */
import fc from "fast-check";

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON Schema documents are walked as plain data */
type Schema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: { name: string; in: "path" | "query"; required?: boolean; schema: Schema }[];
  body: Schema | null;
  public: boolean;
  /** Content types the document gives for a status, when it is not a problem (e.g. verify's 401 {valid: false}). */
  documented: Record<string, string[]>;
}

export interface FuzzRequest {
  method: string;
  path: string;
  auth: "admin" | "none" | "weak" | "garbage";
  contentType: string | null;
  body: string | undefined;
}

export function operationsOf(doc: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
        public: Array.isArray(op.security) && op.security.length === 0,
        documented: Object.fromEntries(
          Object.entries((op.responses ?? {}) as Record<string, Schema>)
            .filter(([, r]) => !r.$ref && r.content)
            .map(([status, r]) => [status, Object.keys(r.content)]),
        ),
      });
    }
  }
  return ops;
}

/** Strings seen in responses (names, ids), offered as path and query values so requests reach real rows. */
export class ValuePool {
  private readonly values = new Set<string>();
  constructor(private readonly excluded: Set<string>) {}

  harvest(value: unknown): void {
    const stack = [value];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v === "string" && v.length > 0 && v.length <= 200 && !this.excluded.has(v)) this.values.add(v);
      else if (v && typeof v === "object") stack.push(...Object.values(v));
    }
  }

  matching(schema: Schema): string[] {
    const pattern = schema.pattern ? safeRegex(schema.pattern) : null;
    return [...this.values].filter((v) => (pattern ? pattern.test(v) : true) && v.length <= (schema.maxLength ?? Infinity));
  }
}

function safeRegex(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return null;
  }
}

const NASTY_STRINGS = [
  "../../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "..\\..\\windows\\win.ini",
  "/",
  ".",
  "..",
  "a\u0000b",
  "\u0000",
  "'; DROP TABLE \"Token\"; --",
  "\" OR 1=1 --",
  "${7*7}{{7*7}}",
  "<script>alert(1)</script>",
  "\u202eevil\u202c",
  "\ud83d\udd11\u{1F600}\u00e9\u0301",
  "\uffff\ufeff",
  "%00",
  "%E0%A4%A",
  " ",
  "null",
  "*",
  "x".repeat(70_000),
];
const NASTY_NUMBERS = [-1, 0, 1.5, 2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 53), 1e300, -1e300, 9_223_372_036_854_775_808];
const NASTY_QUERY_NUMBERS = ["99999999999999999999", "9223372036854775808", "1e300", "-1", "0", "2147483648", "NaN", "", "1.5", "0x7fffffff", "+1", " 1"];

function resolve(schema: Schema, doc: Schema): Schema {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components.schemas[String(s.$ref).split("/").pop()!];
  return s ?? {};
}

/** A string the schema accepts, preferring harvested values, with awkward but legal content. */
function validString(s: Schema, pool: ValuePool): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 2000, 70_000);
  const fits = (v: string) => v.length >= min && v.length <= max;
  const harvested = pool.matching(s);
  const options: fc.Arbitrary<string>[] = [];
  if (harvested.length) options.push(fc.constantFrom(...harvested));
  if (s.enum) return fc.constantFrom(...(s.enum as string[]));
  if (s.format === "date-time") options.push(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()));
  else if (s.pattern && safeRegex(s.pattern)) options.push(fc.stringMatching(safeRegex(s.pattern)!).filter(fits));
  else {
    options.push(fc.string({ unit: "grapheme", minLength: min, maxLength: Math.min(max, 64) }));
    options.push(fc.constantFrom(...NASTY_STRINGS).filter(fits));
    options.push(fc.constant("y".repeat(max)).filter(fits));
  }
  return fc.oneof(...options);
}

export function validValue(schema: Schema, doc: Schema, pool: ValuePool, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: Schema) => validValue(a, doc, pool, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "string":
      return validString(s, pool);
    case "integer":
    case "number": {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -(2 ** 53) + 1);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 2 ** 53 - 1);
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }));
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      if (depth > 4) return fc.constant([]);
      const items = s.items ? validValue(s.items, doc, pool, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    }
    case "object": {
      if (depth > 4) return fc.constant({});
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set<string>(s.required ?? []);
      const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validValue(v, doc, pool, depth + 1)]));
      return fc.record(shape, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of the wrong shape for the schema: wrong type, out of range, too long, extra or missing keys. */
export function invalidValue(schema: Schema, doc: Schema, pool: ValuePool): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const wrongType = fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({ nested: { deeper: [1, "two", null] } }));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const specific: fc.Arbitrary<unknown>[] = [wrongType];
  if (type === "integer" || type === "number") specific.push(fc.constantFrom(...NASTY_NUMBERS, (s.minimum ?? 0) - 1, (s.maximum ?? 2 ** 31) + 1));
  if (type === "string") specific.push(fc.constantFrom(...NASTY_STRINGS), fc.constant("z".repeat((s.maxLength ?? 70_000) + 1)));
  if (type === "object" && s.properties) {
    const base = validValue(s, doc, pool) as fc.Arbitrary<Record<string, unknown>>;
    specific.push(base.map((o) => ({ ...o, unexpected_field: "surprise" })));
    for (const [key, prop] of Object.entries(s.properties as Record<string, Schema>)) {
      specific.push(fc.tuple(base, invalidValue(prop, doc, pool)).map(([o, bad]) => ({ ...o, [key]: bad })));
    }
    for (const key of s.required ?? []) specific.push(base.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key))));
  }
  if (type === "array") specific.push(fc.constant(Array.from({ length: 1000 }, (_, i) => i)));
  return fc.oneof(...specific);
}

/** Raw body texts: valid and invalid JSON values, duplicate keys, deep nesting, broken and non-JSON text. */
function bodyText(schema: Schema | null, doc: Schema, pool: ValuePool): fc.Arbitrary<string | undefined> {
  const junk = fc.oneof(
    fc.constant("["),
    fc.constant('{"a":'),
    fc.constant("[".repeat(20_000) + "]".repeat(20_000)),
    fc.constant('{"a":'.repeat(5_000) + "1" + "}".repeat(5_000)),
    fc.constant('"\\ud800"'),
    fc.constant("\u0000"),
    fc.constant("1e99999"),
    fc.string({ maxLength: 40 }),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"),
  );
  if (!schema) return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: junk });
  const valid = validValue(schema, doc, pool).map((v) => JSON.stringify(v));
  const duplicated = validValue(schema, doc, pool).map((v) => {
    const text = JSON.stringify(v);
    const first = v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v)[0] : undefined;
    return first && text ? `${text.slice(0, -1)},${JSON.stringify(first)}:{"dup":[1,2,3]}}` : text;
  });
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 4, arbitrary: invalidValue(schema, doc, pool).map((v) => JSON.stringify(v) ?? "null") },
    { weight: 1, arbitrary: duplicated },
    { weight: 2, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function pathValue(schema: Schema, doc: Schema, pool: ValuePool): fc.Arbitrary<string> {
  const harvested = pool.matching(resolve(schema, doc));
  const encoded = fc.oneof(validString(resolve(schema, doc), pool), fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: "binary", minLength: 1, maxLength: 30 })).map(encodeURIComponent);
  // Sent as typed, not encoded: traversal and encodings a client might smuggle.
  const raw = fc.constantFrom("..", "../..", "%2e%2e", "%2e%2e%2f%2e%2e", "%00", "%E0%A4%A", "a%2fb", "%ff%fe", ";x", "~");
  const options: fc.WeightedArbitrary<string>[] = [{ weight: 3, arbitrary: encoded }, { weight: 1, arbitrary: raw }];
  if (harvested.length) options.unshift({ weight: 6, arbitrary: fc.constantFrom(...harvested).map(encodeURIComponent) });
  return fc.oneof(...options);
}

function queryString(op: Operation, doc: Schema, pool: ValuePool): fc.Arbitrary<string> {
  const params = op.parameters.filter((p) => p.in === "query");
  const one = (p: Operation["parameters"][number]): fc.Arbitrary<string | null> => {
    const s = resolve(p.schema, doc);
    const numeric = s.type === "integer" || s.type === "number";
    const value = fc.oneof(
      { weight: 3, arbitrary: validValue(s, doc, pool).map(String) },
      { weight: 2, arbitrary: invalidValue(s, doc, pool).map((v) => (typeof v === "string" ? v : JSON.stringify(v) ?? "")) },
      // Cursors and ids are often numbers in disguise: past int64, exponents, signs.
      { weight: numeric ? 3 : 1, arbitrary: fc.constantFrom(...NASTY_QUERY_NUMBERS) },
    );
    return fc.option(value.map((v) => `${encodeURIComponent(p.name)}=${encodeURIComponent(v).slice(0, 20_000)}`), { freq: 2 });
  };
  const extra = fc.option(fc.constantFrom("unknown=1", "limit=1&limit=2", "%00=1", "a=%E0%A4%A", "p=x", "__proto__=1", "constructor[prototype]=1"), { freq: 4 });
  return fc.tuple(fc.tuple(...params.map(one)), extra).map(([values, x]) => {
    const parts = [...values, x].filter((v): v is string => v !== null);
    return parts.length ? `?${parts.join("&")}` : "";
  });
}

const CONTENT_TYPES = ["application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/merge-patch+json", "application/xml", "json"];

export function requestFor(op: Operation, doc: Schema, pool: ValuePool): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const path = fc.tuple(...pathParams.map((p) => pathValue(p.schema, doc, pool))).map((values) => {
    let out = op.path;
    pathParams.forEach((p, i) => (out = out.replace(`{${p.name}}`, values[i]!)));
    return out;
  });
  return fc.record({
    method: fc.constant(op.method),
    path: fc.tuple(path, queryString(op, doc, pool)).map(([p, q]) => p + q),
    auth: fc.constantFrom<FuzzRequest["auth"]>("admin", "admin", "admin", "none", "weak", "garbage"),
    contentType: fc.oneof({ weight: 6, arbitrary: fc.constant("application/json") }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(null) }),
    body: bodyText(op.body, doc, pool),
  });
}
/** Edge values one field at a time: strings a store may choke on, numbers past what a column holds. */
const EDGE_STRINGS = ["a\u0000b", "../../etc/passwd", "99999999999999999999", "9223372036854775808", "1e300", "-1", "\ud83d\udd11\u202e\u00e9", "'\"; --"];
const EDGE_NUMBERS = [2 ** 31, 2 ** 53 - 1, 9_223_372_036_854_775_808, 1e300, -1, -(2 ** 31) - 1, 0.5];

/**
 * Requests that are valid (as the admin, on existing rows) except for one field, which
 * takes each edge value in turn: the values a schema must refuse or a store must hold.
 * Random sampling finds these too, but only by luck; this sweep finds them every run.
 */
export function edgeRequests(op: Operation, doc: Schema, pool: ValuePool, seed: number): FuzzRequest[] {
  const sample = <T>(arb: fc.Arbitrary<T>): T => fc.sample(arb, { numRuns: 1, seed })[0]!;
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const basePath = (override?: [string, string]) => {
    let out = op.path;
    for (const p of pathParams) {
      const harvested = pool.matching(resolve(p.schema, doc));
      const value = override?.[0] === p.name ? override[1] : (harvested[seed % Math.max(1, harvested.length)] ?? sample(validValue(p.schema, doc, pool)));
      out = out.replace(`{${p.name}}`, encodeURIComponent(String(value)));
    }
    return out;
  };
  const body = op.body ? resolve(op.body, doc) : null;
  const baseBody = body ? (sample(validValue(body, doc, pool)) as Record<string, unknown>) : undefined;
  const request = (path: string, bodyValue: unknown): FuzzRequest => ({
    method: op.method,
    path,
    auth: "admin",
    contentType: "application/json",
    body: bodyValue === undefined ? undefined : JSON.stringify(bodyValue),
  });
  const out: FuzzRequest[] = [];
  for (const p of pathParams) for (const v of EDGE_STRINGS) out.push(request(basePath([p.name, v]), baseBody));
  for (const p of queryParams) for (const v of [...EDGE_STRINGS, ...EDGE_NUMBERS.map(String)]) out.push(request(`${basePath()}?${p.name}=${encodeURIComponent(v)}`, baseBody));
  if (body?.type === "object" && baseBody && typeof baseBody === "object") {
    for (const [key, prop] of Object.entries((body.properties ?? {}) as Record<string, Schema>)) {
      const type = resolve(prop, doc).type;
      const edges = type === "integer" || type === "number" ? EDGE_NUMBERS : type === "string" ? EDGE_STRINGS : [...EDGE_STRINGS.slice(0, 2), ...EDGE_NUMBERS.slice(0, 2), null, [EDGE_STRINGS[0]]];
      for (const v of edges) out.push(request(basePath(), { ...baseBody, [key]: v }));
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
