/**
 * The fetch jose's remote JWKS uses: only the configured URL, no redirects, HTTPS unless
 * private networks are allowed, every connection's address through the webhooks' SSRF
 * guard, a size cap. A refused fetch fails verification; it never falls back.
 */
import https from "node:https";
import http from "node:http";
import type { FetchImplementation } from "jose";
import { urlProblem } from "../webhooks/http-client";
import { guardedLookup } from "../webhooks/ssrf";

const MAX_JWKS_BYTES = 256 * 1024;

export function guardedJwksFetch(allowPrivateNetworks: boolean): FetchImplementation {
  return (rawUrl, options) => {
    const problem = urlProblem(rawUrl, allowPrivateNetworks);
    if (problem) return Promise.reject(new Error(`JWKS URL ${problem}`));
    const url = new URL(rawUrl);
    const request = url.protocol === "https:" ? https.request : http.request;
    const headers: Record<string, string> = { "User-Agent": "Arcan-STS/1" };
    options.headers.forEach((value, key) => (headers[key] = value));
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: "GET", headers, signal: options.signal, ...(allowPrivateNetworks ? {} : { lookup: guardedLookup }) }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) {
            req.destroy(new Error("JWKS response is too large"));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          // Redirects are answered as they are (jose then refuses the non-200), never followed.
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: { "content-type": String(res.headers["content-type"] ?? "application/json") } }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  };
}
