/**
 * The API reference: the OpenAPI document rendered on the server as plain HTML (paths,
 * methods, summaries, parameters, bodies, responses and schemas). No scripts and no CDN
 * assets, so it works offline and without JavaScript.
 */
import type { ReactNode } from "react";

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Json;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: unknown[];
  "x-arcan-capability"?: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema: Json }> }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, { description: string }>; securitySchemes?: Record<string, Json> };
}

const METHOD_TONE: Record<string, string> = {
  get: "text-allow border-allow/50",
  post: "text-accent border-accent/50",
  put: "text-review border-review/50",
  patch: "text-review border-review/50",
  delete: "text-deny border-deny/50",
};

/** Markdown's inline code (`like this`) as <code>; the documents use no other markdown in these fields. */
export function inline(text: string): ReactNode {
  const parts = text.split("`");
  if (parts.length < 3) return text;
  return parts.map((part, i) => (i % 2 === 1 ? <code key={i} className="rounded bg-raised px-1 font-mono text-[0.95em]">{part}</code> : part));
}

export function anchorFor(operationId: string): string {
  return `op-${operationId}`;
}

export function ApiReference({ doc }: { doc: OpenApiDocument }) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = doc.tags?.map((t) => t.name) ?? [...new Set(operations.map((o) => o.op.tags[0] ?? "other"))];
  return (
    <div className="mx-auto min-w-0 max-w-5xl p-6 [overflow-wrap:anywhere]">
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">
          {doc.info.title} <span className="text-base font-normal text-muted">v{doc.info.version}</span>
        </h1>
        {doc.info.description ? <p className="mt-2 text-sm text-muted">{inline(doc.info.description)}</p> : null}
        <p className="mt-2 text-sm">
          Machine-readable: <a className="text-accent underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
        </p>
      </header>

      <nav aria-label="Operations" className="mb-8 rounded-xl border border-line bg-surface p-4 text-sm">
        {tags.map((tag) => (
          <div key={tag} className="mb-2">
            <span className="font-semibold">{tag}</span>:{" "}
            {operations
              .filter((o) => o.op.tags[0] === tag)
              .map((o) => (
                <a key={o.op.operationId} href={`#${anchorFor(o.op.operationId)}`} className="mr-3 text-accent hover:underline">
                  {o.op.operationId}
                </a>
              ))}
          </div>
        ))}
      </nav>

      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="mb-10">
          <h2 id={`tag-${tag}`} className="mb-1 text-xl font-semibold">
            {tag}
          </h2>
          <p className="mb-4 text-sm text-muted">{inline(doc.tags?.find((t) => t.name === tag)?.description ?? "")}</p>
          {operations
            .filter((o) => o.op.tags[0] === tag)
            .map(({ path, method, op }) => (
              <OperationCard key={op.operationId} path={path} method={method} op={op} />
            ))}
        </section>
      ))}

      <section aria-labelledby="schemas" className="mb-10">
        <h2 id="schemas" className="mb-4 text-xl font-semibold">
          Schemas
        </h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <details key={name} id={`schema-${name}`} className="mb-2 rounded-lg border border-line bg-surface p-3">
            <summary className="cursor-pointer font-mono text-sm">{name}</summary>
            <SchemaView schema={schema} />
          </details>
        ))}
      </section>
    </div>
  );
}

function OperationCard({ path, method, op }: { path: string; method: string; op: Operation }) {
  return (
    <article id={anchorFor(op.operationId)} className="mb-4 rounded-xl border border-line bg-surface p-4">
      <h3 className="flex flex-wrap items-center gap-2 font-mono text-sm">
        <span className={`rounded border px-2 py-0.5 text-xs font-bold uppercase ${METHOD_TONE[method] ?? "border-line"}`}>{method}</span>
        <span>{path}</span>
      </h3>
      <p className="mt-2 text-sm">{inline(op.summary)}</p>
      <p className="mt-1 text-xs text-muted">
        {op.security?.length === 0 ? "Public: no token needed." : `Requires the capability ${op["x-arcan-capability"] ?? "?"}.`} Operation id: <code>{op.operationId}</code>
      </p>
      {op.parameters?.length ? (
        <Block title="Parameters">
          <table className="w-full text-left text-xs">
            <thead>
              <tr className="text-muted">
                <th className="py-1 pr-3 font-medium">name</th>
                <th className="py-1 pr-3 font-medium">in</th>
                <th className="py-1 pr-3 font-medium">type</th>
                <th className="py-1 font-medium">description</th>
              </tr>
            </thead>
            <tbody>
              {op.parameters.map((p) => (
                <tr key={`${p.in}-${p.name}`} className="border-t border-line/60">
                  <td className="py-1 pr-3 font-mono">
                    {p.name}
                    {p.required ? <span className="text-deny">*</span> : null}
                  </td>
                  <td className="py-1 pr-3">{p.in}</td>
                  <td className="py-1 pr-3 font-mono">{typeLabel(p.schema)}</td>
                  <td className="py-1">{inline(p.description ?? "")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Block>
      ) : null}
      {op.requestBody ? (
        <Block title={`Request body${op.requestBody.required ? "" : " (optional)"}`}>
          {Object.entries(op.requestBody.content).map(([type, media]) => (
            <div key={type}>
              <span className="text-xs text-muted">{type}</span>
              <SchemaView schema={media.schema} />
            </div>
          ))}
        </Block>
      ) : null}
      <Block title="Responses">
        <ul className="text-xs">
          {Object.entries(op.responses).map(([status, response]) => (
            <li key={status} className="py-0.5">
              <span className="font-mono font-semibold">{status}</span> {responseLabel(response)}
            </li>
          ))}
        </ul>
      </Block>
    </article>
  );
}

function Block({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="mt-3">
      <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">{title}</h4>
      {children}
    </div>
  );
}

function SchemaView({ schema }: { schema: Json }) {
  // Focusable, so a keyboard can scroll a long schema (axe: scrollable-region-focusable).
  return (
    <pre tabIndex={0} role="region" aria-label="JSON schema" className="mt-1 max-h-96 overflow-auto rounded bg-raised p-2 text-xs">
      {JSON.stringify(schema, null, 2)}
    </pre>
  );
}

function refName(ref: unknown): string | null {
  return typeof ref === "string" ? (ref.split("/").pop() ?? null) : null;
}

function typeLabel(schema: Json): string {
  if (schema.enum) return (schema.enum as unknown[]).join(" | ");
  return String(schema.type ?? refName(schema.$ref) ?? "any");
}

function responseLabel(response: Operation["responses"][string]): string {
  const ref = refName(response.$ref);
  if (ref) return `problem+json (${ref.replace(/^Problem/, "")}), see Problem`;
  const media = Object.entries(response.content ?? {})[0];
  const schema = media ? (refName(media[1].schema.$ref) ?? String(media[1].schema.type ?? "object")) : null;
  return `${response.description ?? ""}${media ? ` — ${media[0]}${schema ? `: ${schema}` : ""}` : ""}`;
}
