/**
 * The registry client (read-only): fetches the signed index, refuses an index that is not
 * signed by a registry key, that expired, or whose version is lower than the highest one
 * seen from that registry (rollback); then fetches a package's envelope by its path and
 * its files as content-addressed blobs (blobs/sha256/<hex>). Signature and hash checks of
 * the package itself happen in the plugin service, as for an upload.
 */
import { readFile } from "node:fs/promises";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppError } from "../errors";
import type { Db } from "../store/client";
import { SignatureError, verifyEnvelope, type TrustedKey } from "./dsse";
import { signatureInvalid } from "./package";
import { INDEX_PAYLOAD_TYPE, ZEnvelope, ZManifest, ZRegistryIndex, type Envelope, type RegistryIndex } from "./schemas";

const MAX_FETCH_BYTES = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

function unavailable(detail: string, cause?: unknown): AppError {
  return new AppError("unavailable", `Plugin registry: ${detail}.`, { code: "registry_unavailable", ...(cause ? { cause } : {}) });
}

export interface RegistryOptions {
  url: string;
  keys: readonly TrustedKey[];
  ca?: Buffer;
}

export class RegistryClient {
  constructor(
    private readonly db: Db,
    private readonly options: RegistryOptions,
  ) {}

  /** The bytes at a path relative to the registry root (no climbing out of it). */
  private async fetch(relative: string): Promise<Buffer> {
    if (relative.startsWith("/") || relative.split("/").some((part) => part === ".." || part === "") || relative.includes("\\")) {
      throw signatureInvalid(`the registry names an unsafe path (${relative.slice(0, 100)})`);
    }
    const base = this.options.url.endsWith("/") ? this.options.url : `${this.options.url}/`;
    if (base.startsWith("file://")) {
      const root = fileURLToPath(base);
      const file = path.resolve(root, relative);
      try {
        return await readFile(file);
      } catch (err) {
        throw unavailable(`${relative} cannot be read`, err);
      }
    }
    return this.httpsGet(new URL(relative, base));
  }

  private httpsGet(url: URL): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const req = https.get(url, { timeout: FETCH_TIMEOUT_MS, ...(this.options.ca ? { ca: this.options.ca } : {}) }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(unavailable(`${url.pathname} answered ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_FETCH_BYTES) req.destroy(unavailable(`${url.pathname} is larger than ${MAX_FETCH_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on("end", () => resolve(Buffer.concat(chunks)));
        res.on("error", (err) => reject(unavailable(`${url.pathname} could not be read`, err)));
      });
      req.on("timeout", () => req.destroy(unavailable(`${url.pathname} did not answer in time`)));
      req.on("error", (err) => reject(err instanceof AppError ? err : unavailable(`${url.host} cannot be reached`, err)));
    });
  }

  private async json(relative: string): Promise<unknown> {
    const bytes = await this.fetch(relative);
    try {
      return JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      throw signatureInvalid(`${relative} is not JSON`, err);
    }
  }

  /** The verified index; records its version as the new floor. */
  async index(now = new Date()): Promise<RegistryIndex> {
    const envelope = ZEnvelope.safeParse(await this.json("index.json"));
    if (!envelope.success) throw signatureInvalid("index.json is not a DSSE envelope");
    let payload: Buffer;
    try {
      payload = verifyEnvelope(envelope.data, INDEX_PAYLOAD_TYPE, this.options.keys).payload;
    } catch (err) {
      if (err instanceof SignatureError) throw signatureInvalid(`registry index: ${err.message}`);
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(payload.toString("utf8"));
    } catch (err) {
      throw signatureInvalid("the registry index payload is not JSON", err);
    }
    const parsed = ZRegistryIndex.safeParse(raw);
    if (!parsed.success) throw signatureInvalid("the registry index does not match the index format");
    const index = parsed.data;
    if (new Date(index.expires).getTime() <= now.getTime()) throw signatureInvalid(`the registry index expired at ${index.expires}`);
    const seen = await this.db.pluginRegistryState.findUnique({ where: { url: this.options.url } });
    if (seen && index.version < seen.version) {
      throw signatureInvalid(`the registry index is version ${index.version}, older than version ${seen.version} already seen (rollback)`);
    }
    if (!seen || index.version > seen.version) {
      await this.db.pluginRegistryState.upsert({ where: { url: this.options.url }, create: { url: this.options.url, version: index.version }, update: { version: index.version } });
    }
    return index;
  }

  /** A package's envelope and files as the registry serves them (not yet trusted). */
  async fetchPackage(name: string, version: string): Promise<{ envelope: Envelope; files: Record<string, Buffer> }> {
    const index = await this.index();
    const entry = index.plugins[name]?.[version];
    if (!entry) throw new AppError("not_found", `Plugin ${name} ${version} is not in the registry.`, { code: "plugin_not_in_registry" });
    const envelope = ZEnvelope.safeParse(await this.json(entry.envelope));
    if (!envelope.success) throw signatureInvalid(`${entry.envelope} is not a DSSE envelope`);
    // Which blobs to fetch comes from the (still unverified) manifest; verification follows.
    let manifest: unknown;
    try {
      manifest = JSON.parse(Buffer.from(envelope.data.payload, "base64").toString("utf8"));
    } catch (err) {
      throw signatureInvalid("the manifest is not JSON", err);
    }
    const files = ZManifest.shape.files.safeParse((manifest as { files?: unknown }).files);
    if (!files.success) throw signatureInvalid("the manifest lists no valid files");
    const out: Record<string, Buffer> = {};
    for (const [file, meta] of Object.entries(files.data)) out[file] = await this.fetch(`blobs/sha256/${meta.sha256}`);
    return { envelope: envelope.data, files: out };
  }
}
