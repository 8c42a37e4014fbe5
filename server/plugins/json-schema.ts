/**
 * The JSON Schema subset a manifest's `config_schema` and `role_schema` may use: type,
 * properties, required, additionalProperties (boolean), enum, string length and pattern,
 * number bounds, array items, and the `writeOnly` annotation (such keys are stored
 * encrypted and never returned). Unknown keywords are ignored, as JSON Schema says.
 */
import type { FieldIssue } from "../errors";

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function typeOk(type: unknown, value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case "object":
        return isObject(value);
      case "array":
        return Array.isArray(value);
      case "string":
        return typeof value === "string";
      case "integer":
        return Number.isInteger(value);
      case "number":
        return typeof value === "number" && Number.isFinite(value);
      case "boolean":
        return typeof value === "boolean";
      case "null":
        return value === null;
      default:
        return true;
    }
  });
}

export function validateJsonSchema(schema: Schema, value: unknown, at = ""): FieldIssue[] {
  const field = at || "(root)";
  if (schema.type !== undefined && !typeOk(schema.type, value)) return [{ field, message: `must be of type ${String(schema.type)}` }];
  const issues: FieldIssue[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    issues.push({ field, message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}` });
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength) issues.push({ field, message: `must have at least ${schema.minLength} characters` });
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) issues.push({ field, message: `must have at most ${schema.maxLength} characters` });
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) issues.push({ field, message: `must match ${schema.pattern}` });
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) issues.push({ field, message: `must be at least ${schema.minimum}` });
    if (typeof schema.maximum === "number" && value > schema.maximum) issues.push({ field, message: `must be at most ${schema.maximum}` });
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((item, i) => issues.push(...validateJsonSchema(schema.items as Schema, item, `${at}[${i}]`)));
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const prefix = at ? `${at}.` : "";
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      if (typeof name === "string" && value[name] === undefined) issues.push({ field: `${prefix}${name}`, message: "is required" });
    }
    for (const [name, child] of Object.entries(value)) {
      const sub = properties[name];
      if (isObject(sub)) issues.push(...validateJsonSchema(sub, child, `${prefix}${name}`));
      else if (schema.additionalProperties === false) issues.push({ field: `${prefix}${name}`, message: "is not a known field" });
    }
  }
  return issues;
}

/** Dotted paths of the properties a schema marks `writeOnly: true`. */
export function writeOnlyPaths(schema: Schema, at = ""): string[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties).flatMap(([name, sub]) => {
    if (!isObject(sub)) return [];
    const path = at ? `${at}.${name}` : name;
    return sub.writeOnly === true ? [path] : writeOnlyPaths(sub, path);
  });
}
