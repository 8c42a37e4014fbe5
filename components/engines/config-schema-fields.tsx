"use client";
/**
 * A plugin engine's mount config or role fields as form fields, read from its manifest's
 * `config_schema` or `role_schema` (the JSON Schema subset the server validates with):
 * strings, numbers and booleans as inputs, enums as selects, arrays of strings as one item
 * per line, nested objects as dotted fields, anything else as JSON text. Write-only fields
 * are password inputs; the values typed there are never shown again.
 */
import { useId } from "react";
import { validateJsonSchema } from "@/server/plugins/json-schema";
import { describedBy, FieldNotes, SelectField, TextAreaField, TextField } from "../ui";

type Schema = Record<string, unknown>;
type Kind = "string" | "number" | "integer" | "boolean" | "enum" | "lines" | "json";

export interface ConfigField {
  /** Dotted path in the config, as the server names it in field issues ("http.base_url"). */
  key: string;
  path: string[];
  kind: Kind;
  required: boolean;
  writeOnly: boolean;
  description: string | null;
  options: string[];
}

export type ConfigValues = Record<string, string | boolean>;

const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

function kindOf(schema: Schema): Kind {
  if (Array.isArray(schema.enum) && schema.enum.every((e) => typeof e === "string")) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "array" && isObject(schema.items) && schema.items.type === "string") return "lines";
  return type === "string" || type === "number" || type === "integer" || type === "boolean" ? type : "json";
}

/** Every input the schema asks for, nested objects flattened to dotted keys. */
export function configFields(schema: Schema, path: string[] = []): ConfigField[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties).flatMap(([name, sub]): ConfigField[] => {
    if (!isObject(sub)) return [];
    const at = [...path, name];
    if (isObject(sub.properties) && sub.writeOnly !== true) return configFields(sub, at);
    const kind = kindOf(sub);
    return [
      {
        key: at.join("."),
        path: at,
        kind,
        required: required.has(name),
        writeOnly: sub.writeOnly === true,
        description: typeof sub.description === "string" ? sub.description : null,
        options: kind === "enum" ? (sub.enum as string[]) : [],
      },
    ];
  });
}

/** Starting values: the schema's defaults where it gives them. */
export function initialValues(schema: Schema, fields: ConfigField[]): ConfigValues {
  const values: ConfigValues = {};
  for (const field of fields) {
    let sub: unknown = schema;
    for (const name of field.path) sub = isObject(sub) && isObject(sub.properties) ? sub.properties[name] : undefined;
    const fallback = isObject(sub) ? sub.default : undefined;
    if (field.kind === "boolean") values[field.key] = fallback === true;
    else if (field.kind === "json") values[field.key] = fallback === undefined ? "" : JSON.stringify(fallback);
    else if (field.kind === "lines") values[field.key] = Array.isArray(fallback) ? fallback.map(String).join("\n") : "";
    else values[field.key] = fallback === undefined ? (field.kind === "enum" && field.required ? (field.options[0] ?? "") : "") : String(fallback);
  }
  return values;
}

/**
 * The config object the form's values make. Empty optional fields are left out; a number
 * or JSON field that does not parse is passed on as text, so the schema check names it.
 * Objects on the way to a field are made even when empty, so a missing required field
 * is reported on itself rather than on its parent.
 */
export function buildConfig(fields: ConfigField[], values: ConfigValues): { config: Record<string, unknown>; issues: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const issues: Record<string, string> = {};
  for (const field of fields) {
    let parent = config;
    for (const name of field.path.slice(0, -1)) parent = (isObject(parent[name]) ? parent[name] : (parent[name] = {})) as Record<string, unknown>;
    const leaf = field.path[field.path.length - 1]!;
    const raw = values[field.key];
    if (field.kind === "boolean") {
      parent[leaf] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") continue;
    if (field.kind === "lines") {
      parent[leaf] = splitLines(text);
      continue;
    }
    if (field.kind === "number" || field.kind === "integer") parent[leaf] = Number.isFinite(Number(text)) ? Number(text) : text;
    else if (field.kind === "json") {
      try {
        parent[leaf] = JSON.parse(text) as unknown;
      } catch {
        issues[field.key] = "must be valid JSON";
      }
    } else parent[leaf] = field.writeOnly ? (raw as string) : text;
  }
  return { config, issues };
}

export const splitLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * An issue's field as the form names it: a list item's issue ("grants[1]") goes under its
 * list, saying which line. The first issue for a field wins.
 */
export function placeIssues(found: { field: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of found) {
    const item = /^(.*)\[(\d+)\]$/.exec(field);
    const key = item ? item[1]! : field;
    if (!(key in out)) out[key] = item ? `line ${Number(item[2]) + 1}: ${message}` : message;
  }
  return out;
}

/** Issues with no field of their own in the form (a parent object, an unknown key), as one line for the form's failure. */
export function unplacedIssues(found: Record<string, string>, isPlaced: (key: string) => boolean): string | null {
  const unplaced = Object.keys(found).filter((k) => !isPlaced(k));
  return unplaced.length > 0 ? unplaced.map((k) => `${k}: ${found[k]}`).join("; ") : null;
}

/** The form's values checked with the plugin's schema, by the function the server uses. */
export function schemaIssues(schema: Schema, value: unknown): Record<string, string> {
  return placeIssues(validateJsonSchema(schema, value));
}

function hintOf(field: ConfigField): string | undefined {
  const parts = [field.description, field.kind === "json" ? "JSON." : null, field.kind === "lines" ? "One per line." : null, field.required ? "Required." : null, field.writeOnly ? "Write-only: never shown again." : null].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : undefined;
}

function BooleanField({ field, checked, onChange, error }: { field: ConfigField; checked: boolean; onChange: (v: boolean) => void; error?: string | undefined }) {
  const id = useId();
  const hint = hintOf(field);
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="inline-flex items-center gap-2 text-sm font-medium">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, error)}
          className="accent-accent"
        />
        {field.key}
      </label>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

export function ConfigSchemaFields({
  fields,
  values,
  issues,
  onChange,
  empty = "This engine type takes no configuration.",
}: {
  fields: ConfigField[];
  values: ConfigValues;
  issues: Record<string, string>;
  onChange: (key: string, value: string | boolean) => void;
  empty?: string;
}) {
  if (fields.length === 0) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <>
      {fields.map((field) => {
        const value = values[field.key];
        if (field.kind === "boolean") return <BooleanField key={field.key} field={field} checked={value === true} onChange={(v) => onChange(field.key, v)} error={issues[field.key]} />;
        const text = typeof value === "string" ? value : "";
        if (field.kind === "enum") {
          return (
            <SelectField key={field.key} label={field.key} value={text} onChange={(e) => onChange(field.key, e.target.value)} error={issues[field.key]}>
              {field.required ? null : <option value="">(not set)</option>}
              {field.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </SelectField>
          );
        }
        const hint = hintOf(field);
        if (field.kind === "lines") return <TextAreaField key={field.key} label={field.key} rows={4} value={text} onChange={(e) => onChange(field.key, e.target.value)} error={issues[field.key]} hint={hint} />;
        return (
          <TextField
            key={field.key}
            label={field.key}
            value={text}
            onChange={(e) => onChange(field.key, e.target.value)}
            error={issues[field.key]}
            required={field.required}
            {...(hint ? { hint } : {})}
            {...(field.writeOnly ? { type: "password", autoComplete: "new-password" } : field.kind === "number" || field.kind === "integer" ? { inputMode: "decimal" as const, autoComplete: "off" } : { autoComplete: "off" })}
          />
        );
      })}
    </>
  );
}
