// A small MCP server for the guard suites: Streamable HTTP (stateless) on Express, the Arcan
// guard's verifier in requireBearerAuth, RFC 9728 metadata from the guard's router, and two
// tools wrapped by guard.tool. `runs` counts how often each handler actually ran.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { z } from "zod";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { createArcanMcpGuard, type ArcanMcpGuardOptions } from "../../sdk/src/mcp";

type Next = (err?: unknown) => void;

export interface NotesServer {
  url: string;
  runs: Record<string, number>;
  close(): Promise<void>;
}

export async function startNotesServer(options: ArcanMcpGuardOptions): Promise<NotesServer> {
  const guard = createArcanMcpGuard(options);
  const runs: Record<string, number> = { read_note: 0, share_note: 0, delete_note: 0 };
  // The MCP SDK's Express app: JSON bodies and DNS-rebinding protection for 127.0.0.1.
  const app = createMcpExpressApp({ host: "127.0.0.1" });
  let http: Server | null = null;
  const url = () => `http://127.0.0.1:${(http!.address() as { port: number }).port}/mcp`;

  app.use((req: IncomingMessage, res: ServerResponse, next: Next) => guard.metadataRouter({ resourceServerUrl: new URL(url()), resourceName: "notes" })(req, res, next));
  const auth = (req: IncomingMessage, res: ServerResponse, next: Next) =>
    requireBearerAuth({ verifier: guard.verifier, resourceMetadataUrl: guard.resourceMetadataUrl(new URL(url())) })(req, res, next);

  app.post("/mcp", auth, async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const mcp = new McpServer({ name: "notes", version: "1.0.0" });
    const tool = (name: string, action: string) =>
      mcp.registerTool(
        name,
        { description: `${action} a note`, inputSchema: { id: z.string() } },
        guard.tool(action, (args: { id: string }) => ({ type: "note", id: args.id }), async (args: { id: string }) => {
          runs[name]! += 1;
          return { content: [{ type: "text", text: `${name} ${args.id}: done` }] };
        }),
      );
    tool("read_note", "notes.read");
    tool("share_note", "notes.share");
    tool("delete_note", "notes.delete");
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  await new Promise<void>((resolve) => {
    http = app.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    url: url(),
    runs,
    close: () =>
      new Promise<void>((resolve) => {
        guard.verifier.close();
        http!.closeAllConnections();
        http!.close(() => resolve());
      }),
  };
}
