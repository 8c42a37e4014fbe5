// The console's API reference renders the same OpenAPI document: every operation with its
// method, path, summary and parameters, and every named schema.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { anchorFor, ApiReference, type OpenApiDocument } from "../../components/api-reference/api-reference";
import { ROOT } from "../helpers/server";

const doc = JSON.parse(readFileSync(path.join(ROOT, "openapi.json"), "utf8")) as OpenApiDocument;

describe("console API reference", () => {
  it("lists every operation and schema of openapi.json, with no external assets", () => {
    const html = renderToStaticMarkup(createElement(ApiReference, { doc }));
    const escaped = (s: string) => s.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("'", "&#x27;");
    let operations = 0;
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const start = html.indexOf(`id="${anchorFor(op.operationId)}"`);
        assert.ok(start >= 0, `${op.operationId} is rendered`);
        const card = html.slice(start, html.indexOf("</article>", start));
        assert.ok(card.includes(`>${method}<`) && card.includes(`<span>${escaped(p)}</span>`), `${method} ${p}`);
        assert.ok(card.includes(escaped(op.summary)), `${op.operationId} summary`);
        for (const param of op.parameters ?? []) assert.ok(card.includes(`>${param.name}`), `${op.operationId} parameter ${param.name}`);
        operations += 1;
      }
    }
    assert.ok(operations >= 36, `${operations} operations`);
    for (const name of Object.keys(doc.components.schemas)) assert.ok(html.includes(`id="schema-${name}"`), `schema ${name}`);
    assert.ok(!/<script|<link|(src|href)="https?:/i.test(html), "no scripts, stylesheets or external links");
  });
});
