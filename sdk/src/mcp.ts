/**
 * `@arcan/sdk/mcp`: Arcan as the authorization server of an MCP server built on
 * `@modelcontextprotocol/sdk`.
 *
 *   const guard = createArcanMcpGuard({ url: "https://arcan:8443", token: process.env.ARCAN_TOKEN });
 *   app.use(guard.metadataRouter({ resourceServerUrl: new URL("http://127.0.0.1:3000/mcp") }));
 *   app.post("/mcp", requireBearerAuth({ verifier: guard.verifier }), handle);
 *   server.registerTool("read_issue", { inputSchema }, guard.tool("jira.read", (a) => `project/${a.project}`, readIssue));
 *
 * The verifier checks STS tokens locally (signature against Arcan's JWKS, `exp`, `aud`, the
 * revocation list); every tool call is still decided by Arcan (allow, review or deny).
 */
import { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from "@modelcontextprotocol/sdk/server/auth/router.js";
import type { OAuthTokenVerifier } from "@modelcontextprotocol/sdk/server/auth/provider.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { OAuthMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { authorizeCall, toResource, type Decision, type DecisionResource } from "./enforcement.js";
import { ArcanClient } from "./index.js";
import type { TlsOptions } from "./transport.js";
import { StsTokenVerifier } from "./sts-verifier.js";

export interface ArcanMcpGuardOptions extends TlsOptions {
  /** Arcan's base URL, e.g. "https://arcan.example.com:8443". */
  url: string;
  /** The MCP server's own Arcan token (capability `decisions:evaluate`; reads the revocation list). */
  token: string;
  /** The `aud` the server accepts (default "arcan", the STS default). */
  audience?: string;
  /** The `iss` the server accepts (default: any; Arcan's default issuer is its own URL). */
  issuer?: string;
  /** How often the revocation list is polled, in milliseconds (default 5000). */
  revocationPollMs?: number;
}

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;
export type ToolResource<Args> = (args: Args) => DecisionResource | string;
export type ToolHandler<Args> = (args: Args, extra: ToolExtra) => CallToolResult | Promise<CallToolResult>;

export interface ArcanMcpGuard {
  /** For `requireBearerAuth({ verifier })`. */
  verifier: OAuthTokenVerifier & { close(): void };
  /** Wraps a tool callback: the handler runs only when Arcan allows the call. */
  tool<Args>(action: string, resourceFromArgs: ToolResource<Args>, handler: ToolHandler<Args>): (args: Args, extra: ToolExtra) => Promise<CallToolResult>;
  /** The RFC 9728 protected-resource metadata (and Arcan's RFC 8414 metadata), as an Express router. */
  metadataRouter(options: { resourceServerUrl: URL; scopesSupported?: string[]; resourceName?: string }): ReturnType<typeof mcpAuthMetadataRouter>;
  /** The metadata URL for `requireBearerAuth({ resourceMetadataUrl })`, so a 401 names it. */
  resourceMetadataUrl(resourceServerUrl: URL): string;
}

export function createArcanMcpGuard(options: ArcanMcpGuardOptions): ArcanMcpGuard {
  const client = new ArcanClient({ url: options.url, token: options.token, caCert: options.caCert, skipVerify: options.skipVerify });
  const verifier = new StsTokenVerifier({
    core: client.core,
    audience: options.audience ?? "arcan",
    ...(options.issuer ? { issuer: options.issuer } : {}),
    revocationPollMs: options.revocationPollMs ?? 5000,
  });

  const tool: ArcanMcpGuard["tool"] = (action, resourceFromArgs, handler) => async (args, extra) => {
    const token = extra.authInfo?.token;
    if (!token) return refusal("No Arcan token came with this call: serve the tool behind requireBearerAuth with the Arcan verifier.", {});
    let decision: Decision;
    try {
      decision = await authorizeCall(client.core, { token, action, resource: toResource(resourceFromArgs(args)), context: { via: "mcp" } });
    } catch (err) {
      return refusal(`Arcan could not decide this call: ${err instanceof Error ? err.message : String(err)}`, {});
    }
    if (decision.decision === "allow") return handler(args, extra);
    if (decision.decision === "review") {
      return refusal(`A human must approve this call (review ${decision.review_id ?? "pending"}).`, { decision: "review", review_id: decision.review_id ?? null, decision_id: decision.decision_id });
    }
    return refusal(`Denied by policy ${decision.policy_id ?? "(default deny)"} (decision ${decision.decision_id}).`, { decision: "deny", decision_id: decision.decision_id, policy_id: decision.policy_id, reasons: decision.reasons });
  };

  const baseUrl = client.core.baseUrl;
  return {
    verifier,
    tool,
    metadataRouter: ({ resourceServerUrl, scopesSupported, resourceName }) => {
      // RFC 8414 §2: authorization_endpoint is only required when a grant type uses it; Arcan's
      // token exchange does not, so it is left out (the MCP SDK's type lists it as required).
      const oauthMetadata = {
        issuer: options.issuer ?? baseUrl,
        token_endpoint: `${baseUrl}/api/v1/sts/token`,
        jwks_uri: `${baseUrl}/.well-known/jwks.json`,
        grant_types_supported: ["urn:ietf:params:oauth:grant-type:token-exchange"],
        response_types_supported: [],
        token_endpoint_auth_methods_supported: ["none"],
        revocation_endpoint: `${baseUrl}/api/v1/sts/revoke`,
      } as unknown as OAuthMetadata;
      return mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl, ...(scopesSupported ? { scopesSupported } : {}), ...(resourceName ? { resourceName } : {}) });
    },
    resourceMetadataUrl: (resourceServerUrl) => getOAuthProtectedResourceMetadataUrl(resourceServerUrl),
  };
}

function refusal(text: string, data: Record<string, unknown>): CallToolResult {
  const content: CallToolResult["content"] = [{ type: "text", text }];
  if (Object.keys(data).length > 0) content.push({ type: "text", text: JSON.stringify(data) });
  return { isError: true, content };
}

export type { AuthInfo };
export { StsTokenVerifier } from "./sts-verifier.js";
