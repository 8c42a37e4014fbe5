/**
 * The fetch the SDK sends requests with. Without TLS options it is the platform's fetch
 * (Node, Deno, Bun, browsers). With a CA certificate or `skipVerify` it is undici's fetch
 * with its own Agent, loaded only then, so the SDK stays usable where undici is not.
 */
import type { Dispatcher } from "undici";

export interface TlsOptions {
  /** PEM text of a CA certificate to trust in addition to the system roots (e.g. a self-signed server's tls.crt). */
  caCert?: string | Uint8Array | undefined;
  /** Skip certificate verification. For development only: anyone on the path can read the traffic. */
  skipVerify?: boolean | undefined;
}

export type FetchFn = (request: Request) => Promise<Response>;

export function createFetch(tls: TlsOptions, timeoutMs: number): FetchFn {
  const needsAgent = tls.caCert !== undefined || tls.skipVerify === true;
  if (!needsAgent) return (request) => globalThis.fetch(request, { signal: AbortSignal.timeout(timeoutMs) });

  let undici: Promise<{ fetch: typeof import("undici").fetch; dispatcher: Dispatcher }> | null = null;
  const load = () =>
    (undici ??= (async () => {
      const [{ Agent, fetch }, { rootCertificates }] = await Promise.all([import("undici"), import("node:tls")]);
      const ca = tls.caCert === undefined ? undefined : [...rootCertificates, typeof tls.caCert === "string" ? tls.caCert : Buffer.from(tls.caCert).toString("utf8")];
      const dispatcher = new Agent({ connect: { ...(ca ? { ca } : {}), rejectUnauthorized: tls.skipVerify !== true } });
      return { fetch, dispatcher };
    })());

  return async (request) => {
    const { fetch, dispatcher } = await load();
    const body = request.body ? await request.arrayBuffer() : undefined;
    const response = await fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      ...(body ? { body } : {}),
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // undici's Response implements the same WHATWG interface as the platform's.
    return response as unknown as Response;
  };
}
