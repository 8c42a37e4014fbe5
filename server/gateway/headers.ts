/**
 * What crosses the gateway: the request path split into route and rest, the templates
 * rendered into the decision's action and resource, and the headers each way with the
 * agent's credentials, cookies and hop-by-hop headers (RFC 9110 §7.6.1) taken out.
 */
import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "../errors";

export const GATEWAY_PREFIX = "/gateway/";

export interface GatewayTarget {
  route: string;
  /** The path after the route name, without its leading slash or the query (still percent-encoded). */
  path: string;
  /** "?…" or "". */
  search: string;
}

export function splitGatewayUrl(rawUrl: string): GatewayTarget {
  const q = rawUrl.indexOf("?");
  const pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const search = q < 0 ? "" : rawUrl.slice(q);
  const rest = pathname.slice(GATEWAY_PREFIX.length);
  const slash = rest.indexOf("/");
  const route = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash + 1);
  // A dot segment would let the upstream resolve to a path other than the one decided on.
  if (path.split("/").some((seg) => /^(?:\.|%2e){1,2}$/i.test(seg))) {
    throw new AppError("invalid_input", "The path must not contain '.' or '..' segments.", { code: "invalid_path", issues: [{ field: "path", message: "no dot segments" }] });
  }
  return { route, path, search };
}

/** `{method}` (lowercase), `{path}` and `{route}` filled in. */
export function render(template: string, values: { method: string; path: string; route: string }): string {
  return template.replace(/\{(method|path|route)\}/g, (_m, field: "method" | "path" | "route") => values[field]);
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection"]);

/** Hop-by-hop headers: the fixed set, every Proxy-* header, and any header the Connection header names. */
function hopByHop(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Set<string> {
  const names = new Set(HOP_BY_HOP);
  const connection = headers.connection;
  for (const value of Array.isArray(connection) ? connection : connection ? [connection] : []) {
    for (const token of value.split(",")) if (token.trim()) names.add(token.trim().toLowerCase());
  }
  return names;
}

/** What the agent sent, minus what must not reach the upstream; plus the injected credential. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, inject: { header: string; value: string }, requestId: string): Record<string, string | string[]> {
  const drop = hopByHop(headers);
  const injected = inject.header.toLowerCase();
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (drop.has(name) || name.startsWith("proxy-")) continue;
    // The agent's own credentials and cookies; Host and Expect are the gateway's to set.
    if (name === "authorization" || name === "cookie" || name === "host" || name === "expect" || name === injected || name === "x-request-id") continue;
    out[name] = value;
  }
  out[injected] = inject.value;
  out["x-request-id"] = requestId;
  return out;
}

/** What the upstream answered, minus hop-by-hop headers and Set-Cookie. */
export function agentResponseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const drop = hopByHop(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || drop.has(lower) || lower.startsWith("proxy-") || lower === "set-cookie" || lower === "x-request-id") continue;
    out[lower] = value;
  }
  return out;
}

/** A credential that could not be a header value (it would split the request). */
export function validHeaderValue(value: string): boolean {
  return !/[\r\n\0]/.test(value);
}
