/** Structured JSON logs (pino). Credentials never reach a log line: headers and token fields are redacted. */
import pino, { type Logger } from "pino";

export function createLogger(level: string): Logger {
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
  });
}

/** Drops a `p=` query parameter (Arc's InfluxDB 1.x token style) from a URL before it is logged. */
export function scrubUrl(url: string): string {
  return url.replace(/([?&])p=[^&]*/g, "$1p=[redacted]");
}
