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

/** Drops a `p=` query parameter (Arc's InfluxDB 1.x token style) from a URL before it is logged. */
export function scrubUrl(url: string): string {
  return url.replace(/([?&])p=[^&]*/g, "$1p=[redacted]");
}
