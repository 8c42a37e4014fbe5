/**
 * The STS's ES256 signing keys. The private key is a JWK sealed with the key-encryption
 * key (AAD-bound to its kid); the public halves form /.well-known/jwks.json. Rotation
 * makes a new current key and keeps the old one published, and accepted, until every
 * token it could have signed has expired (max_ttl plus the clock leeway).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from "node:crypto";
import type { KmsProvider } from "../crypto/kms";
import type { Db } from "../store/client";

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  wrappedKey: string;
  createdAt: Date;
  retiredAt: Date | null;
  publishUntil: Date | null;
}

/** A key another process made is looked for at most this often (an unknown kid triggers it). */
const RELOAD_MIN_MS = 2_000;
/** A rotation by another process reaches this one's signing and JWKS within this time. */
const REFRESH_MS = 30_000;
export const CLOCK_LEEWAY_S = 30;

export class StsKeyStore {
  private keys: Map<string, LoadedKey> | null = null;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private reloading: Promise<void> | null = null;
  private signing: { kid: string; privateKey: KeyObject } | null = null;

  constructor(private readonly deps: { db: Db; kms: KmsProvider; maxTtlSeconds: number }) {}

  /** The current key, made on first use. */
  async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    const current = await this.current();
    if (this.signing?.kid === current.kid) return this.signing;
    const jwk = JSON.parse((await this.deps.kms.unwrap(current.wrappedKey, context(current.kid))).toString("utf8")) as JsonWebKey;
    this.signing = { kid: current.kid, privateKey: createPrivateKey({ key: jwk, format: "jwk" }) };
    return this.signing;
  }

  /** The public key for a kid, while it is published; null for any other kid. */
  async verificationKey(kid: string): Promise<KeyObject | null> {
    await this.ensureLoaded();
    let key = this.keys!.get(kid);
    if (!key && Date.now() - this.loadedAt > RELOAD_MIN_MS) {
      await this.reload();
      key = this.keys!.get(kid);
    }
    return key && isPublished(key, new Date()) ? key.publicKey : null;
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    await this.current();
    const now = new Date();
    const published = [...this.keys!.values()].filter((k) => isPublished(k, now)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return { keys: published.map((k) => k.publicJwk) };
  }

  /** A new current key; the previous one stays published until its last token has expired. */
  async rotate(): Promise<{ kid: string; previous_kid: string | null; previous_published_until: string | null }> {
    const previous = await this.current();
    const now = new Date();
    const publishUntil = new Date(now.getTime() + (this.deps.maxTtlSeconds + CLOCK_LEEWAY_S) * 1000);
    const fresh = await this.makeKey();
    await this.deps.db.stsSigningKey.updateMany({ where: { retiredAt: null, kid: { not: fresh.kid } }, data: { retiredAt: now, publishUntil } });
    // Not the shared reload: one already in flight may have read the keys before this change.
    await this.readKeys();
    return { kid: fresh.kid, previous_kid: previous.kid, previous_published_until: publishUntil.toISOString() };
  }

  private async current(): Promise<LoadedKey> {
    await this.ensureLoaded();
    const found = newestCurrent(this.keys!);
    if (found) return found;
    this.loading ??= this.makeKey()
      .then(() => this.readKeys())
      .finally(() => (this.loading = null));
    await this.loading;
    return newestCurrent(this.keys!)!;
  }

  private async ensureLoaded(): Promise<void> {
    if (!this.keys || Date.now() - this.loadedAt > REFRESH_MS) await this.reload();
  }

  /** One store read at a time, however many requests find the keys stale together. */
  private reload(): Promise<void> {
    this.reloading ??= this.readKeys().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async readKeys(): Promise<void> {
    const rows = await this.deps.db.stsSigningKey.findMany();
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const publicJwk = JSON.parse(row.publicJwk) as PublicJwk;
      keys.set(row.kid, {
        kid: row.kid,
        publicJwk,
        publicKey: createPublicKey({ key: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }, format: "jwk" }),
        wrappedKey: row.wrappedKey,
        createdAt: row.createdAt,
        retiredAt: row.retiredAt,
        publishUntil: row.publishUntil,
      });
    }
    this.keys = keys;
    this.loadedAt = Date.now();
  }

  private async makeKey(): Promise<{ kid: string }> {
    const kid = randomBytes(12).toString("base64url");
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pub = publicKey.export({ format: "jwk" });
    const publicJwk: PublicJwk = { kty: "EC", crv: "P-256", x: pub.x!, y: pub.y!, kid, alg: "ES256", use: "sig" };
    const wrappedKey = await this.deps.kms.wrap(Buffer.from(JSON.stringify(privateKey.export({ format: "jwk" }))), context(kid));
    await this.deps.db.stsSigningKey.create({ data: { kid, publicJwk: JSON.stringify(publicJwk), wrappedKey, kmsKeyId: this.deps.kms.keyId } });
    return { kid };
  }
}

function context(kid: string): string {
  return `sts-signing-key:${kid}`;
}

function isPublished(key: LoadedKey, now: Date): boolean {
  return key.retiredAt === null || (key.publishUntil !== null && key.publishUntil > now);
}

function newestCurrent(keys: Map<string, LoadedKey>): LoadedKey | null {
  let best: LoadedKey | null = null;
  for (const k of keys.values()) if (k.retiredAt === null && (!best || k.createdAt > best.createdAt)) best = k;
  return best;
}
