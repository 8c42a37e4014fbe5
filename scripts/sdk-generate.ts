// Generates the Go and Python SDKs' request/response types from openapi.json's
// components.schemas (no maintained Go or Python OpenAPI generator installs offline here,
// so this is a small one over the JSON Schema subset the document uses):
//
//   npx tsx scripts/sdk-generate.ts          writes sdks/go/types_gen.go and sdks/python/arcan/_types.py
//   npx tsx scripts/sdk-generate.ts --check  exits 1 when either committed file is out of date
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const GO_TYPES_FILE = path.join(ROOT, "sdks/go/types_gen.go");
export const PY_TYPES_FILE = path.join(ROOT, "sdks/python/arcan/_types.py");

/**
 * The SDKs' names for schemas whose document name a facade uses for something else. As
 * in the TypeScript SDK (sdk/src/types.ts), `Lease` is what lease create answers (the
 * document's CreatedLease, aliased by the facades), so the document's Lease, a lease
 * without its credentials, is LeaseInfo.
 */
export const SDK_NAMES: Record<string, string> = { Lease: "LeaseInfo" };
const sdkName = (schema: string) => SDK_NAMES[schema] ?? schema;
const documentName = (sdk: string) => Object.keys(SDK_NAMES).find((schema) => SDK_NAMES[schema] === sdk) ?? sdk;
const schemaPhrase = (sdk: string) => (documentName(sdk) === sdk ? "the schema of that name" : `the schema ${documentName(sdk)}`);

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  $ref?: string;
  description?: string;
}

/** A schema with `null` taken out, and whether it allowed null. */
function nonNull(s: Schema): { schema: Schema; nullable: boolean } {
  if (Array.isArray(s.type) && s.type.includes("null")) {
    const rest = s.type.filter((t) => t !== "null");
    return { schema: { ...s, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  const variants = s.anyOf ?? s.oneOf;
  if (variants?.some((v) => v.type === "null")) {
    const rest = variants.filter((v) => v.type !== "null");
    if (rest.length === 1) return { schema: { ...rest[0], description: s.description ?? rest[0]!.description }, nullable: true };
    return { schema: { ...s, anyOf: rest, oneOf: undefined }, nullable: true };
  }
  return { schema: s, nullable: false };
}

/** The document's name of a `#/components/schemas/…` reference. */
const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

function isObject(s: Schema): boolean {
  return s.type === "object" && s.properties !== undefined;
}

// ---------------------------------------------------------------- Go

const GO_INITIALISMS = new Set(["id", "url", "ttl", "ip", "cas", "jti", "jwt", "api", "http", "https", "sts", "us", "uri", "json", "sha256"]);

export function goName(json: string): string {
  return json
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => (GO_INITIALISMS.has(part.toLowerCase()) ? part.toUpperCase() : part[0]!.toUpperCase() + part.slice(1)))
    .join("");
}

class GoWriter {
  private readonly out: string[] = [];
  constructor(private readonly schemas: Record<string, Schema>) {}

  type(s: Schema, owner: string): string {
    const { schema, nullable } = nonNull(s);
    const base = this.base(schema, owner);
    return nullable && !base.startsWith("[]") && !base.startsWith("map[") && base !== "any" ? `*${base}` : base;
  }

  private base(s: Schema, owner: string): string {
    if (s.$ref) return sdkName(refName(s.$ref));
    if (onlyStrings(s)) return "string";
    if (s.anyOf || s.oneOf || Array.isArray(s.type)) return "any";
    switch (s.type) {
      case "string":
        return "string";
      case "integer":
        return "int64";
      case "number":
        return "float64";
      case "boolean":
        return "bool";
      case "array":
        return `[]${s.items ? this.type(s.items, owner) : "any"}`;
      case "object":
        if (isObject(s)) {
          this.struct(owner, s);
          return owner;
        }
        return `map[string]${typeof s.additionalProperties === "object" && Object.keys(s.additionalProperties).length > 0 ? this.type(s.additionalProperties, owner) : "any"}`;
      default:
        return "any";
    }
  }

  named(name: string, s: Schema): void {
    if (isObject(s)) return this.struct(name, s);
    if (s.type === "string" && s.enum) {
      const lines = [`${comment(docLine(name, s.description), "")}type ${name} string`, "", `// Values of ${name}.`, "const ("];
      for (const v of s.enum) lines.push(`\t${name}${goName(String(v))} ${name} = ${JSON.stringify(v)}`);
      lines.push(")");
      this.out.push(lines.join("\n"));
      return;
    }
    this.out.push(`${comment(docLine(name, s.description), "")}type ${name} = ${this.type(s, name)}`);
  }

  private struct(name: string, s: Schema): void {
    const required = new Set(s.required ?? []);
    const fields: string[] = [];
    for (const [json, prop] of Object.entries(s.properties ?? {})) {
      let t = this.type(prop, name + goName(json));
      const optional = !required.has(json);
      const scalar = !t.startsWith("*") && !t.startsWith("[]") && !t.startsWith("map[") && t !== "any";
      // An optional scalar is a pointer, so that "absent" and the zero value (cas: 0) differ.
      if (optional && scalar) t = `*${t}`;
      fields.push(`${comment(prop.description, "\t")}\t${goName(json)} ${t} \`json:"${json}${optional ? ",omitempty" : ""}"\``);
    }
    const doc = comment(docLine(name, s.description), "");
    this.out.push(`${doc}type ${name} struct {\n${fields.join("\n")}\n}`);
  }

  text(): string {
    for (const [name, s] of Object.entries(this.schemas)) this.named(sdkName(name), s);
    const header = ["// Code generated by scripts/sdk-generate.ts from openapi.json. DO NOT EDIT.", "", "package arcan"];
    return gofmt(`${header.join("\n")}\n\n${this.out.join("\n\n")}\n`);
  }
}

/** gofmt aligns struct fields in columns; the generated file is what gofmt makes of it. */
function gofmt(source: string): string {
  try {
    return execFileSync("gofmt", [], { input: source, encoding: "utf8" });
  } catch (err) {
    const reason = (err as { code?: string }).code === "ENOENT" ? "gofmt is not installed (apt-get install golang-go)" : String((err as { stderr?: string }).stderr ?? err);
    throw new Error(`sdk-generate: ${reason}`, { cause: err });
  }
}

/** Godoc starts with the name: "Token is the schema of that name: an API token (…)". */
function docLine(name: string, description: string | undefined): string {
  return `${name} is ${schemaPhrase(name)} in openapi.json${description ? `: ${description[0]!.toLowerCase()}${description.slice(1)}` : "."}`;
}

function comment(text: string | undefined, indent: string): string {
  if (!text) return "";
  return `${text
    .split("\n")
    .map((l) => `${indent}// ${l}`)
    .join("\n")}\n`;
}

// ---------------------------------------------------------------- Python

const PY_KEYWORDS = new Set(["from", "class", "def", "import", "global", "lambda", "pass", "raise", "return", "try", "with", "yield", "in", "is", "not", "or", "and", "as", "del", "if", "else", "elif", "for", "while", "None", "True", "False"]);
const pyField = (json: string) => (PY_KEYWORDS.has(json) ? `${json}_` : json.replace(/[^A-Za-z0-9_]/g, "_"));

interface PyField {
  json: string;
  name: string;
  annotation: string;
  decode: (v: string) => string;
  encode: (v: string) => string;
  optional: boolean;
  description?: string;
}

class PyWriter {
  private readonly out: string[] = [];
  constructor(private readonly schemas: Record<string, Schema>) {}

  /** The annotation, and how to turn the JSON value `v` into it (and back). */
  type(s: Schema, owner: string): { annotation: string; decode: (v: string) => string; encode: (v: string) => string } {
    const { schema, nullable } = nonNull(s);
    const t = this.base(schema, owner);
    if (!nullable) return t;
    const plain = t.decode("v") === "v";
    return {
      annotation: t.annotation.startsWith("Optional[") || t.annotation === "Any" ? t.annotation : `Optional[${t.annotation}]`,
      decode: plain ? (v) => v : (v) => `None if ${v} is None else ${t.decode(v)}`,
      encode: plain ? (v) => v : (v) => `None if ${v} is None else ${t.encode(v)}`,
    };
  }

  private base(s: Schema, owner: string): { annotation: string; decode: (v: string) => string; encode: (v: string) => string } {
    const same = (annotation: string) => ({ annotation, decode: (v: string) => v, encode: (v: string) => v });
    if (s.$ref) {
      const target = this.schemas[refName(s.$ref)];
      const name = sdkName(refName(s.$ref));
      if (target && isObject(target)) return { annotation: name, decode: (v) => `${name}.from_dict(${v})`, encode: (v) => `${v}.to_dict()` };
      return same(name);
    }
    if (onlyStrings(s)) return same("str");
    if (s.anyOf || s.oneOf || Array.isArray(s.type)) return same("Any");
    if (s.enum && s.type === "string") return same(`Literal[${s.enum.map((e) => JSON.stringify(e)).join(", ")}]`);
    switch (s.type) {
      case "string":
        return same("str");
      case "integer":
        return same("int");
      case "number":
        return same("float");
      case "boolean":
        return same("bool");
      case "array": {
        const item = s.items ? this.type(s.items, owner) : same("Any");
        if (item.decode("x") === "x") return same(`List[${item.annotation}]`);
        return { annotation: `List[${item.annotation}]`, decode: (v) => `[${item.decode("x")} for x in ${v}]`, encode: (v) => `[${item.encode("x")} for x in ${v}]` };
      }
      case "object":
        if (isObject(s)) {
          this.dataclass(owner, s);
          return { annotation: owner, decode: (v) => `${owner}.from_dict(${v})`, encode: (v) => `${v}.to_dict()` };
        }
        return same("Dict[str, Any]");
      default:
        return same("Any");
    }
  }

  named(name: string, s: Schema): void {
    if (isObject(s)) return this.dataclass(name, s);
    const t = this.type(s, name);
    this.out.push(`${pyComment(s.description)}${name} = ${t.annotation}`);
  }

  private dataclass(name: string, s: Schema): void {
    const required = new Set(s.required ?? []);
    const fields: PyField[] = Object.entries(s.properties ?? {}).map(([json, prop]) => {
      const t = this.type(prop, name + goName(json));
      const optional = !required.has(json);
      return { json, name: pyField(json), annotation: t.annotation, decode: t.decode, encode: t.encode, optional, description: prop.description };
    });
    // Dataclass fields without a default come first.
    const ordered = [...fields.filter((f) => !f.optional), ...fields.filter((f) => f.optional)];
    const lines = ["@dataclass", `class ${name}:`, `    """${(s.description ?? `The ${documentName(name)} schema of openapi.json.`).replace(/"""/g, "'''")}"""`, ""];
    for (const f of ordered) {
      if (f.description) lines.push(`    # ${f.description.replace(/\n/g, " ")}`);
      const annotation = f.annotation.startsWith("Optional[") || f.annotation === "Any" ? f.annotation : `Optional[${f.annotation}]`;
      lines.push(f.optional ? `    ${f.name}: ${annotation} = None` : `    ${f.name}: ${f.annotation}`);
    }
    lines.push("", "    @classmethod", `    def from_dict(cls, d: Dict[str, Any]) -> "${name}":`, "        return cls(");
    for (const f of ordered) {
      const get = f.optional ? `d.get(${JSON.stringify(f.json)})` : `d[${JSON.stringify(f.json)}]`;
      const value = f.decode("v") === "v" ? get : f.optional ? `None if ${get} is None else ${f.decode(get)}` : f.decode(get);
      lines.push(`            ${f.name}=${value},`);
    }
    lines.push("        )", "", "    def to_dict(self) -> Dict[str, Any]:", "        out: Dict[str, Any] = {}");
    for (const f of ordered) {
      const value = f.encode(`self.${f.name}`);
      if (f.optional) lines.push(`        if self.${f.name} is not None:`, `            out[${JSON.stringify(f.json)}] = ${value}`);
      else lines.push(`        out[${JSON.stringify(f.json)}] = ${value}`);
    }
    lines.push("        return out");
    this.out.push(lines.join("\n"));
  }

  text(): string {
    // Aliases (enums) first: unlike annotations, their right-hand sides run at import time.
    const entries = Object.entries(this.schemas);
    for (const [name, s] of [...entries.filter(([, s]) => !isObject(s)), ...entries.filter(([, s]) => isObject(s))]) this.named(sdkName(name), s);
    const header = [
      '"""Request and response types of the Arcan REST API.',
      "",
      "Generated by scripts/sdk-generate.ts from openapi.json. Do not edit.",
      '"""',
      "",
      "from __future__ import annotations",
      "",
      "from dataclasses import dataclass",
      "from typing import Any, Dict, List, Literal, Optional",
    ];
    return `${header.join("\n")}\n\n\n${this.out.join("\n\n\n")}\n`;
  }
}

function pyComment(text: string | undefined): string {
  return text ? `${text.split("\n").map((l) => `# ${l}`).join("\n")}\n` : "";
}

// ---------------------------------------------------------------- entry points

function schemasOf(documentText: string): Record<string, Schema> {
  return (JSON.parse(documentText) as { components?: { schemas?: Record<string, Schema> } }).components?.schemas ?? {};
}

export function goTypesText(documentText: string): string {
  return new GoWriter(schemasOf(documentText)).text();
}

export function pythonTypesText(documentText: string): string {
  return new PyWriter(schemasOf(documentText)).text();
}

/** [file, text] for every generated SDK file. */
export function sdkOutputs(documentText: string): [string, string][] {
  return [
    [GO_TYPES_FILE, goTypesText(documentText)],
    [PY_TYPES_FILE, pythonTypesText(documentText)],
  ];
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const document = await readFile(path.join(ROOT, "openapi.json"), "utf8");
  let stale = 0;
  for (const [file, text] of sdkOutputs(document)) {
    const current = await readFile(file, "utf8").catch(() => null);
    if (current === text) continue;
    const name = path.relative(ROOT, file);
    if (check) {
      stale += 1;
      console.error(`${name} is out of date: run "npm run sdk:generate" and commit the result.`);
    } else {
      await writeFile(file, text);
      console.log(`wrote ${name}`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

/** A union whose every variant is a string (a pattern or a literal such as "*") is a plain string on the wire. */
function onlyStrings(s: Schema): boolean {
  const variants = s.anyOf ?? s.oneOf;
  return Array.isArray(variants) && variants.length > 0 && variants.every((v) => v.type === "string" && !v.anyOf && !v.oneOf);
}
