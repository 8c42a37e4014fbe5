/**
 * Request targets neither app can route, refused in the listener before REST or Next see
 * them (RFC 9112 §3.2): asterisk-form (`GET *`, `OPTIONS *`), absolute-form naming another
 * host, authority-form and anything else that is not an origin-form path.
 */
import type { IncomingMessage } from "node:http";
import { AppError } from "../errors";

/**
 * The error to answer for an unroutable target, or null when the request may be routed.
 * An absolute-form target naming this server's own Host is rewritten to its origin form,
 * as RFC 9112 §3.2.2 asks of a server; the apps then see an ordinary path.
 */
export function checkRequestTarget(req: IncomingMessage): AppError | null {
  const target = req.url ?? "";
  if (target === "*") {
    return req.method === "OPTIONS"
      ? new AppError("method_not_allowed", "This server answers no server-wide OPTIONS request; ask about a path instead.", { code: "method_not_allowed" })
      : invalidTarget("The asterisk-form request target (*) is only defined for OPTIONS.");
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return absoluteForm(req, target);
  if (!target.startsWith("/")) return invalidTarget("The request target must be a path that starts with '/'.");
  // The client's address in Host is what both apps build URLs from; HTTP/1.1 requires it.
  if (req.headers.host === undefined && req.httpVersion === "1.1") {
    return new AppError("invalid_input", "An HTTP/1.1 request must carry a Host header.", { code: "host_required", issues: [{ field: "Host", message: "required" }] });
  }
  return null;
}

function absoluteForm(req: IncomingMessage, target: string): AppError | null {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return invalidTarget("The absolute-form request target is not a valid URL.");
  }
  const host = req.headers.host?.toLowerCase();
  if ((url.protocol !== "https:" && url.protocol !== "http:") || host === undefined || url.host.toLowerCase() !== host) {
    return invalidTarget("This server is not a proxy: an absolute-form request target must name this server's Host.");
  }
  req.url = `${url.pathname}${url.search}`;
  return null;
}

function invalidTarget(detail: string): AppError {
  return new AppError("invalid_input", detail, { code: "invalid_request_target", issues: [{ field: "request-target", message: "not routable" }] });
}
