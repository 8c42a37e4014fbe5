/**
 * Mounts as drivers see them: the stored config joined with its write-only values,
 * decrypted with the realm's data key (AAD-bound to the mount, so a ciphertext copied to
 * another mount or realm does not open). The engine service, the lease service and the
 * reaper reach drivers only through here and EngineTypes.
 */
import type { Keyring } from "../crypto/keyring";
import { AppError, errors } from "../errors";
import type { Db } from "../store/client";
import type { ResolvedRealm } from "../store/realm-scoped";
import type { EngineDriver, EngineMount, EngineTypes } from "./driver";
import { engineStore } from "./store";

export interface MountRow {
  id: string;
  name: string;
  type: string;
  config: string;
  secretCiphertext: string;
  secretKeyVersion: number;
}

const aad = (mountId: string) => `engine:${mountId}:write-only`;

export class EngineRuntime {
  constructor(private readonly deps: { db: Db; keyring: Pick<Keyring, "encrypt" | "decrypt">; engineTypes: Pick<EngineTypes, "get"> }) {}

  driver(type: string): EngineDriver {
    const driver = this.deps.engineTypes.get(type);
    if (!driver) throw new AppError("unavailable", `No engine type "${type}" is loaded on this server.`, { code: "engine_type_unavailable" });
    return driver;
  }

  /** Splits a validated config into what is shown and the write-only part (encrypted). */
  async seal(realm: ResolvedRealm, mountId: string, config: Record<string, unknown>, writeOnly: readonly string[]) {
    // Write-only keys may be dotted paths into nested objects ("http.headers"): hidden is keyed by path.
    const shown = structuredClone(config);
    const hidden: Record<string, unknown> = {};
    for (const path of writeOnly) {
      const value = takePath(shown, path);
      if (value !== undefined) hidden[path] = value;
    }
    const { ciphertext, keyVersion } = await this.deps.keyring.encrypt(realm, aad(mountId), JSON.stringify(hidden));
    return { config: JSON.stringify(shown), secretCiphertext: ciphertext, secretKeyVersion: keyVersion };
  }

  async open(realm: ResolvedRealm, row: MountRow): Promise<EngineMount> {
    const hidden = JSON.parse(await this.deps.keyring.decrypt(realm, row.secretKeyVersion, aad(row.id), row.secretCiphertext)) as Record<string, unknown>;
    const config = JSON.parse(row.config) as Record<string, unknown>;
    for (const [path, value] of Object.entries(hidden)) putPath(config, path, value);
    return { id: row.id, realm, name: row.name, type: row.type, config };
  }

  /** The mount a lease was issued by (for renew, revoke and the reaper). */
  async mountById(realm: ResolvedRealm, id: string): Promise<{ driver: EngineDriver; mount: EngineMount }> {
    const row = await engineStore(this.deps.db, realm).byId(id);
    if (!row) throw new AppError("unavailable", "The engine mount that issued this lease no longer exists.", { code: "engine_not_found" });
    return { driver: this.driver(row.type), mount: await this.open(realm, row) };
  }

  async mountByName(realm: ResolvedRealm, name: string) {
    const row = await engineStore(this.deps.db, realm).find(name);
    if (!row) throw errors.notFound(`Engine "${name}"`, "engine_not_found");
    return row;
  }
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Removes and returns the value at a dotted path ("http.headers"), or undefined. */
function takePath(root: JsonObject, path: string): unknown {
  const keys = path.split(".");
  let node: unknown = root;
  for (const key of keys.slice(0, -1)) node = isObject(node) ? node[key] : undefined;
  const last = keys[keys.length - 1]!;
  if (!isObject(node) || !(last in node)) return undefined;
  const value = node[last];
  delete node[last];
  return value;
}

function putPath(root: JsonObject, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys[keys.length - 1]!] = value;
}
