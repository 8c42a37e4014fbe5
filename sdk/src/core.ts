/** What every resource of the facade shares: the generated typed client, errors, the default realm. */
import createClient, { type Client } from "openapi-fetch";
import { ArcanError } from "./errors.js";
import type { paths } from "./generated/api.js";
import { createFetch, type FetchFn, type TlsOptions } from "./transport.js";

export interface ArcanClientOptions extends TlsOptions {
  /** The server's base URL, e.g. "https://arcan.example.com:8443". */
  url: string;
  /** An API token (arc_…). Optional: public endpoints work without one. */
  token?: string | undefined;
  /** The realm used when a call does not name one. */
  realm?: string | undefined;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
  /** Extra headers sent with every request. */
  headers?: Record<string, string> | undefined;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export class Core {
  readonly api: Client<paths>;
  readonly baseUrl: string;
  private readonly fetchFn: FetchFn;
  private readonly headers: Record<string, string>;
  private readonly defaultRealm: string | undefined;

  constructor(options: ArcanClientOptions) {
    if (!options.url) throw new TypeError("ArcanClient: `url` is required, e.g. https://arcan.example.com:8443");
    this.baseUrl = options.url.replace(/\/+$/, "");
    this.fetchFn = createFetch(options, options.timeoutMs ?? 30_000);
    this.headers = { ...options.headers, ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) };
    this.defaultRealm = options.realm;
    this.api = createClient<paths>({ baseUrl: this.baseUrl, fetch: this.fetchFn, headers: this.headers });
  }

  realm(given: string | undefined): string {
    const realm = given ?? this.defaultRealm;
    if (!realm) throw new TypeError("A realm is required: pass { realm: 'myapp' } or set `realm` in the ArcanClient options.");
    return realm;
  }

  /** Awaits a generated-client call and returns its data, or throws an ArcanError. */
  async unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
    return this.check(await this.answer(call));
  }

  /** Awaits a generated-client call; a network or TLS failure becomes an ArcanError. */
  async answer<T>(call: Promise<Answer<T>>): Promise<Answer<T>> {
    try {
      return await call;
    } catch (err) {
      throw ArcanError.connectionFailed(this.baseUrl, err);
    }
  }

  check<T>(answer: Answer<T>): T {
    if (!answer.response.ok) throw ArcanError.fromResponse(answer.response, answer.error);
    return answer.data as T;
  }

  /** A JSON call outside the generated types (endpoints the server does not serve yet). */
  send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { ...this.headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    return this.deliver<T>(path, init);
  }

  /** An `application/x-www-form-urlencoded` POST (OAuth endpoints such as the STS), without the client's token. */
  sendForm<T>(path: string, form: Record<string, string>): Promise<T> {
    const { Authorization: _omitted, ...headers } = this.headers;
    return this.deliver<T>(path, { method: "POST", headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
  }

  private async deliver<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(new Request(`${this.baseUrl}${path}`, init));
    } catch (err) {
      throw ArcanError.connectionFailed(this.baseUrl, err);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (!response.ok) throw ArcanError.fromResponse(response, parsed);
    return parsed as T;
  }

  /** The fetch this client sends with (TLS options applied), for callers such as a remote JWKS. */
  get fetch(): FetchFn {
    return this.fetchFn;
  }
}

export const segment = encodeURIComponent;
