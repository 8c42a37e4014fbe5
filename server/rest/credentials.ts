/** Guardian 1's input: the token a request presents, in any of the contract's accepted forms. */
import type { IncomingMessage } from "node:http";

export function extractCredential(req: IncomingMessage, search: URLSearchParams | null, allowQueryParam: boolean): string | null {
  const authorization = req.headers.authorization;
  if (authorization) {
    const m = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(authorization);
    return m ? m[2]! : null;
  }
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.length > 0) return apiKey.trim();
  if (allowQueryParam && search) return search.get("p");
  return null;
}
