import type { components } from "./generated/api.js";

export type Problem = components["schemas"]["Problem"];

/**
 * Every failed call throws an ArcanError. For an answer from the server it carries the
 * RFC 9457 problem details (status, code, title, detail, request_id); when the server
 * could not be reached, `status` is 0 and `code` is "connection_failed".
 */
export class ArcanError extends Error {
  readonly status: number;
  /** Stable machine-readable code, e.g. "realm_not_found", "cas_mismatch", "token_invalid". */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  /** The server's request id: quote it when asking an operator to look at the audit log. */
  readonly requestId: string | null;
  /** Field-level problems of a 400. */
  readonly errors: { field: string; message: string }[];
  /** The problem document as received (null when the server sent none). */
  readonly problem: Problem | null;

  constructor(init: { status: number; code: string; title: string; detail: string; type?: string; requestId?: string | null; errors?: { field: string; message: string }[]; problem?: Problem | null; cause?: unknown }) {
    super(`${init.title}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ArcanError";
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type ?? "about:blank";
    this.requestId = init.requestId ?? null;
    this.errors = init.errors ?? [];
    this.problem = init.problem ?? null;
  }

  /** Same as `requestId`, under the problem document's own name. */
  get request_id(): string | null {
    return this.requestId;
  }

  /** Builds the error for a non-2xx response from its (already parsed) body. */
  static fromResponse(response: Response, body: unknown): ArcanError {
    const requestId = response.headers.get("x-request-id");
    if (isProblem(body)) {
      return new ArcanError({ status: body.status, code: body.code, title: body.title, detail: body.detail, type: body.type, requestId: body.request_id || requestId, errors: body.errors ?? [], problem: body });
    }
    const detail = typeof body === "string" && body.length > 0 && body.length < 500 ? body : `The server answered ${response.status} without problem details.`;
    return new ArcanError({ status: response.status, code: `http_${response.status}`, title: response.statusText || `HTTP ${response.status}`, detail, requestId });
  }

  static connectionFailed(url: string, cause: unknown): ArcanError {
    const reason = describeCause(cause);
    return new ArcanError({ status: 0, code: "connection_failed", title: "Connection failed", detail: `Could not reach ${url}: ${reason}`, cause });
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.status === "number" && typeof b.code === "string" && typeof b.title === "string" && typeof b.detail === "string";
}

/** fetch wraps network and TLS failures in "fetch failed"; the useful reason is in `cause`. */
function describeCause(err: unknown): string {
  let current: unknown = err;
  let message = "unknown error";
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    message = typeof code === "string" ? `${current.message} (${code})` : current.message;
    current = current.cause;
  }
  return message;
}
