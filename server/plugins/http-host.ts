/**
 * ctx.http: requests only to the mount's `http.base_url` (the plugin gives a path, which
 * may not climb out of the base path), with the mount's write-only `http.headers` added by
 * the host after the plugin's own, through the webhooks' SSRF guard. Redirects are not
 * followed; a timeout and a response-size cap apply.
 */
import http from "node:http";
import https from "node:https";
import { urlProblem } from "../webhooks/http-client";
import { guardedLookup } from "../webhooks/ssrf";

export interface HttpOptions {
  allowPrivateNetworks: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  ca?: Buffer;
}

export interface PluginHttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

export interface PluginHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

// Headers only the host sets.
const RESERVED = new Set(["host", "content-length", "connection", "transfer-encoding", "upgrade", "te", "trailer", "keep-alive", "proxy-authorization"]);

export class HostRefusal extends Error {}

/** The URL a plugin's path resolves to, or a HostRefusal. */
export function resolveAgainstBase(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  const basePath = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith("//") || path.includes("\\")) throw new HostRefusal("ctx.http takes a path, not a URL");
  const target = new URL(path.replace(/^\/+/, ""), `${base.origin}${basePath}`);
  if (target.origin !== base.origin || !(`${target.pathname}/`.startsWith(basePath) || target.pathname === base.pathname)) {
    throw new HostRefusal("ctx.http paths stay under the mount's http.base_url");
  }
  return target;
}

export function sendPluginHttp(baseUrl: string, mountHeaders: Record<string, string>, request: PluginHttpRequest, options: HttpOptions): Promise<PluginHttpResponse> {
  const problem = urlProblem(baseUrl, options.allowPrivateNetworks);
  if (problem) return Promise.reject(new HostRefusal(`refused: http.base_url ${problem}`));
  let url: URL;
  try {
    url = resolveAgainstBase(baseUrl, request.path);
  } catch (err) {
    return Promise.reject(err);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!RESERVED.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(mountHeaders)) headers[name.toLowerCase()] = value;
  const body = request.body ?? undefined;
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  headers["user-agent"] ??= "Arcan-Plugins/1";
  const secure = url.protocol === "https:";
  const send = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: request.method,
        headers,
        timeout: options.timeoutMs,
        ...(secure && options.ca ? { ca: options.ca } : {}),
        ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBodyBytes) {
            req.destroy(new HostRefusal(`response body over ${options.maxBodyBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (name !== "set-cookie" && value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new HostRefusal(`no answer within ${options.timeoutMs} ms`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
