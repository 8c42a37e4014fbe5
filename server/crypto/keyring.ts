/**
 * Envelope encryption for realm data: each realm has AES-256-GCM data keys (versioned),
 * stored wrapped by the KMS provider's key-encryption key. Unwrapped keys are kept in
 * memory so a read costs one AES-GCM operation. The additional authenticated data binds
 * each ciphertext to its realm, item and version, so a ciphertext moved to another row
 * does not decrypt.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../store/client";
import { realmStore, type ResolvedRealm } from "../store/realm-scoped";
import { openAesGcm, sealAesGcm, type KmsProvider } from "./kms";

const PLAINTEXT_CACHE_SIZE = 10_000;

export class Keyring {
  private readonly keys = new Map<string, Buffer>();
  private readonly plaintexts = new Map<string, { context: string; value: string }>();

  constructor(
    private readonly db: Db,
    private readonly kms: KmsProvider,
  ) {}

  healthy(): Promise<boolean> {
    return this.kms.healthy();
  }

  /** Creates the realm's next data key (version 1 for a new realm); old versions stay readable. */
  async rotate(realm: ResolvedRealm): Promise<number> {
    const store = realmStore(this.db, realm);
    const latest = await store.keys.latest();
    const version = (latest?.version ?? 0) + 1;
    const dataKey = randomBytes(32);
    const wrapped = await this.kms.wrap(dataKey, `${realm.id}:${version}`);
    await store.keys.create(version, wrapped, this.kms.keyId);
    this.keys.set(`${realm.id}:${version}`, dataKey);
    return version;
  }

  async encrypt(realm: ResolvedRealm, aad: string, plaintext: string): Promise<{ ciphertext: string; keyVersion: number }> {
    const latest = await realmStore(this.db, realm).keys.latest();
    const keyVersion = latest ? latest.version : await this.rotate(realm);
    const key = await this.dataKey(realm, keyVersion);
    return { ciphertext: sealAesGcm(key, Buffer.from(plaintext, "utf8"), `${realm.id}:${keyVersion}:${aad}`), keyVersion };
  }

  /**
   * A ciphertext never changes once written (a new value is a new version with a fresh
   * IV), so recent decryptions are kept, keyed by the ciphertext itself: a repeated read
   * skips AES-GCM (about 15 µs here). This holds nothing the unwrapped data keys above
   * could not already decrypt.
   */
  async decrypt(realm: ResolvedRealm, keyVersion: number, aad: string, ciphertext: string): Promise<string> {
    const context = `${realm.id}:${keyVersion}:${aad}`;
    const hit = this.plaintexts.get(ciphertext);
    if (hit && hit.context === context) return hit.value;
    const key = await this.dataKey(realm, keyVersion);
    const value = openAesGcm(key, ciphertext, context).toString("utf8");
    if (this.plaintexts.size >= PLAINTEXT_CACHE_SIZE) this.plaintexts.delete(this.plaintexts.keys().next().value as string);
    this.plaintexts.set(ciphertext, { context, value });
    return value;
  }

  /** Drops every unwrapped key of a realm (after the realm is deleted). */
  forget(realmId: string): void {
    for (const k of this.keys.keys()) if (k.startsWith(`${realmId}:`)) this.keys.delete(k);
    for (const [c, entry] of this.plaintexts) if (entry.context.startsWith(`${realmId}:`)) this.plaintexts.delete(c);
  }

  private async dataKey(realm: ResolvedRealm, version: number): Promise<Buffer> {
    const cacheKey = `${realm.id}:${version}`;
    const cached = this.keys.get(cacheKey);
    if (cached) return cached;
    const row = await realmStore(this.db, realm).keys.byVersion(version);
    if (!row) throw new Error(`realm key version ${version} is missing`);
    const key = await this.kms.unwrap(row.wrappedKey, `${realm.id}:${version}`);
    this.keys.set(cacheKey, key);
    return key;
  }
}
