/**
 * One webhook attempt: POST the body, 10 s limit, redirects not followed, 2xx is success.
 * Unless private networks are allowed, only https is used and every connection's
 * address passes the SSRF guard when it is made (IP literals are checked here, names by
 * the guarded lookup, since Node skips the lookup for literals).
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { blockedReason, guardedLookup } from "./ssrf";

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookClientOptions {
  allowPrivateNetworks: boolean;
  timeoutMs: number;
}

/** Why a URL can never be a webhook target under these options, or null. */
export function urlProblem(raw: string, allowPrivateNetworks: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && !(allowPrivateNetworks && url.protocol === "http:")) {
    return allowPrivateNetworks ? "must use http or https" : "must use https";
  }
  if (url.username || url.password) return "must not contain credentials";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivateNetworks && isIP(host)) {
    const reason = blockedReason(host);
    if (reason) return `points to a ${reason} address`;
  }
  return null;
}

const MAX_SOCKETS = 256;

export class WebhookClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });

  constructor(private readonly options: WebhookClientOptions) {}

  post(rawUrl: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const problem = urlProblem(rawUrl, this.options.allowPrivateNetworks);
    if (problem) return Promise.resolve({ ok: false, statusCode: null, latencyMs: 0, error: `refused: URL ${problem}` });
    const url = new URL(rawUrl);
    const secure = url.protocol === "https:";
    const request = secure ? https.request : http.request;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Omit<AttemptResult, "latencyMs">) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, latencyMs: elapsed() });
      };
      const req = request(
        url,
        {
          method: "POST",
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "Arcan-Webhooks/1" },
          ...(this.options.allowPrivateNetworks ? {} : { lookup: guardedLookup }),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          // The answer's body is not needed; read it so the connection can be reused.
          res.resume();
          res.once("end", () => {
            const ok = status >= 200 && status < 300;
            const error = ok ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
            finish({ ok, statusCode: status, error });
          });
          res.once("error", (err) => finish({ ok: false, statusCode: status, error: describe(err) }));
          res.once("close", () => finish({ ok: false, statusCode: status, error: "connection closed before the answer ended" }));
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      req.once("error", (err) => finish({ ok: false, statusCode: null, error: describe(err) }));
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err.message.split("\n")[0] ?? "";
  if (code === "EBLOCKED" || message.startsWith("timed out")) return message;
  return code ? `${code}: ${message}` : message;
}
