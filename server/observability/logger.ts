/** Structured JSON logs (pino). Credentials never reach a log line: headers and token fields are redacted. */
import pino, { type Logger } from "pino";

/**
 * Log lines are buffered and written asynchronously, so a request never waits on a write
 * to stdout; call `logger.flush()` before exiting. (The audit log, not this log, is the
 * durable record of what happened.)
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  return pino({
    level,
    base: { service: "arcan" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers['x-api-key']",
        "req.headers.cookie",
        "token",
        "value",
        "*.token",
        "*.value",
        "password",
        "*.password",
      ],
      censor: "[redacted]",
    },
  }, destination);
}

/** A credential's shape anywhere in a decoded value: the arc_/agt_/oas_ token prefixes. */
const TOKEN_LIKE = /(?:arc|agt|oas)_[0-9A-Za-z]{16,}/;
const REDACTED = "[redacted]";

/**
 * The URL as it may be logged. Query parameters are judged by what the server decodes
 * (`%70=` is `p=`): the `p` token parameter and any parameter whose name or value looks
 * like a token are redacted, and so is a path segment that looks like one.
 */
export function scrubUrl(url: string): string {
  const queryStart = url.indexOf("?");
  const pathname = queryStart < 0 ? url : url.slice(0, queryStart);
  const path = pathname
    .split("/")
    .map((segment) => (TOKEN_LIKE.test(decodeSegment(segment)) ? REDACTED : segment))
    .join("/");
  if (queryStart < 0) return path;
  const query = url
    .slice(queryStart + 1)
    .split("&")
    .map((part) => {
      // Decoded exactly as the REST app decodes it (URLSearchParams), so no spelling slips through.
      const [entry] = new URLSearchParams(part);
      if (!entry) return part;
      const [name, value] = entry;
      if (TOKEN_LIKE.test(name)) return REDACTED;
      if (name.trim().toLowerCase() === "p" || TOKEN_LIKE.test(value)) return `${part.split("=", 1)[0]}=${REDACTED}`;
      return part;
    })
    .join("&");
  return `${path}?${query}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
