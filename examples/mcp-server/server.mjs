// An MCP server whose tools are guarded by Arcan: callers present an Arcan STS token, the
// guard verifies it locally (JWKS, exp, aud, revocations) and asks Arcan to decide each tool
// call (allow runs the tool, review and deny return an error carrying the ids).
/* global process, console, URL */
import { readFileSync } from "node:fs";
import express from "express";
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { createArcanMcpGuard } from "@arcan/sdk/mcp";

const url = process.env.ARCAN_ADDR ?? "https://127.0.0.1:8443";
const token = process.env.ARCAN_TOKEN;
if (!token) {
  console.error("Set ARCAN_TOKEN to a token with the decisions:evaluate capability.");
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const resourceServerUrl = new URL(`http://127.0.0.1:${port}/mcp`);

const guard = createArcanMcpGuard({
  url,
  token,
  ...(process.env.ARCAN_CACERT ? { caCert: readFileSync(process.env.ARCAN_CACERT, "utf8") } : {}),
});

const notes = new Map([["welcome", "Arcan decides every tool call."]]);

function buildServer() {
  const server = new McpServer({ name: "arcan-notes", version: "1.0.0" });
  server.registerTool(
    "read_note",
    { description: "Read a note by id", inputSchema: { id: z.string() } },
    guard.tool("notes.read", (args) => ({ type: "note", id: args.id }), async ({ id }) => ({
      content: [{ type: "text", text: notes.get(id) ?? `no note "${id}"` }],
    })),
  );
  server.registerTool(
    "write_note",
    { description: "Write a note", inputSchema: { id: z.string(), text: z.string() } },
    guard.tool("notes.write", (args) => ({ type: "note", id: args.id }), async ({ id, text }) => {
      notes.set(id, text);
      return { content: [{ type: "text", text: `saved "${id}"` }] };
    }),
  );
  return server;
}

const app = express();
app.use(express.json());
app.use(guard.metadataRouter({ resourceServerUrl, resourceName: "Arcan notes example" }));
app.post("/mcp", requireBearerAuth({ verifier: guard.verifier, resourceMetadataUrl: guard.resourceMetadataUrl(resourceServerUrl) }), async (req, res) => {
  // Stateless Streamable HTTP: one server and transport per request.
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
});

app.listen(port, "127.0.0.1", () => {
  console.error(`MCP server on ${resourceServerUrl.href} (authorization server: ${url})`);
});
