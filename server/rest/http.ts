/** Small node:http helpers for the REST app: body reading with a size limit, JSON and problem responses. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { AppError, ERROR_TABLE } from "../errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Whether the request announces a body at all (most GET and DELETE requests do not). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new AppError("unsupported_media_type", "Send the request body as application/json.", { code: "unsupported_media_type" });
  }
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.", { code: "malformed_json", issues: [{ field: "body", message: "not valid JSON" }] });
  }
}

/** An application/x-www-form-urlencoded body (OAuth endpoints); the first value of a repeated name wins. */
export async function readFormBody(req: IncomingMessage): Promise<Record<string, string>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new AppError("unsupported_media_type", "Send the request body as application/x-www-form-urlencoded.", { code: "unsupported_media_type" });
  }
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const body = await readBody(req);
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body.toString("utf8"))) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * The whole body, at most MAX_BODY_BYTES, read with plain listeners (`for await` over the
 * request costs a promise and an iterator step per chunk, on every POST). Past the limit
 * the request is destroyed, as the iterator did, so the rest is never buffered.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (req.destroyed) return Promise.reject(cutOff(new Error("the connection closed before the body was read")));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err: AppError | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      finish(tooLarge());
      req.destroy();
    };
    const onEnd = () => finish(null);
    // The stream broke: bad chunking (the listener has answered it) or the client went away.
    const onError = (cause: Error) => finish(cutOff(cause));
    const onClose = () => finish(cutOff(new Error("the connection closed before the body ended")));
    req.on("data", onData).once("end", onEnd).once("error", onError).once("close", onClose);
  });
}

function cutOff(cause: Error): AppError {
  return new AppError("invalid_input", "The request body was cut off or badly framed.", { code: "malformed_request", cause });
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { code: "payload_too_large" });
}

/** `headers`: the answer's other headers (X-Request-Id, rate limits); the content headers are added to it. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  headers["Content-Type"] = "application/json; charset=utf-8";
  headers["Content-Length"] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

export function sendProblem(res: ServerResponse, err: AppError, requestId: string): void {
  const { status, title } = ERROR_TABLE[err.kind];
  const body = {
    type: `https://getarcan.dev/problems/${err.code}`,
    title,
    status,
    detail: err.message,
    code: err.code,
    request_id: requestId,
    ...(err.issues ? { errors: err.issues } : {}),
    ...err.extensions,
  };
  for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}
