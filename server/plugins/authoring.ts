/**
 * Authors' side of the package format: sign a plugin directory (manifest.json plus its
 * files) into a DSSE envelope, and lay out a file:// registry (signed index, envelopes,
 * content-addressed blobs). Used by `npm run plugins:build`, the CLI and the tests.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { rawPublicKey, signEnvelope } from "./dsse";
import { sha256Hex } from "./package";
import { INDEX_PAYLOAD_TYPE, MANIFEST_PAYLOAD_TYPE, type Envelope } from "./schemas";

export interface BuiltPackage {
  manifest: Record<string, unknown> & { name: string; version: string; entry: string };
  envelope: Envelope;
  files: Record<string, Buffer>;
}

export function readPrivateKey(file: string): KeyObject {
  return createPrivateKey(readFileSync(file));
}

/** The config form of a key: base64 of the raw 32-byte Ed25519 public key. */
export function publicKeyBase64(privateKey: KeyObject): string {
  return rawPublicKey(createPublicKey(privateKey)).toString("base64");
}

/** Fills the manifest's `files` with each file's SHA-256 and size, then signs it. */
export function signPackage(manifest: Record<string, unknown> & { entry: string }, files: Record<string, Buffer>, key: KeyObject): BuiltPackage {
  const filled = {
    ...manifest,
    files: Object.fromEntries(Object.entries(files).map(([name, data]) => [name, { sha256: sha256Hex(data), size: data.length }])),
  } as unknown as BuiltPackage["manifest"];
  const payload = Buffer.from(JSON.stringify(filled), "utf8");
  return { manifest: filled, envelope: signEnvelope(MANIFEST_PAYLOAD_TYPE, payload, key), files };
}

/** A plugin directory: manifest.json (without `files`) and the entry file it names. */
export function signDirectory(dir: string, key: KeyObject): BuiltPackage {
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as BuiltPackage["manifest"];
  const names = Array.isArray(manifest.package_files) ? (manifest.package_files as string[]) : [manifest.entry];
  delete manifest.package_files;
  const files = Object.fromEntries(names.map((name) => [name, readFileSync(path.join(dir, name))]));
  return signPackage(manifest, files, key);
}

export function signIndex(index: { version: number; expires: string; plugins: Record<string, Record<string, { envelope: string }>> }, key: KeyObject): Envelope {
  return signEnvelope(INDEX_PAYLOAD_TYPE, Buffer.from(JSON.stringify(index), "utf8"), key);
}

/** Writes a file:// registry holding these packages; returns its directory's URL. */
export function writeRegistry(root: string, packages: BuiltPackage[], opts: { key: KeyObject; version: number; expires: Date }): string {
  const plugins: Record<string, Record<string, { envelope: string }>> = {};
  for (const pkg of packages) {
    const rel = `plugins/${pkg.manifest.name}/${pkg.manifest.version}/envelope.json`;
    mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(root, rel), JSON.stringify(pkg.envelope, null, 2));
    mkdirSync(path.join(root, "blobs/sha256"), { recursive: true });
    for (const data of Object.values(pkg.files)) writeFileSync(path.join(root, "blobs/sha256", sha256Hex(data)), data);
    (plugins[pkg.manifest.name] ??= {})[pkg.manifest.version] = { envelope: rel };
  }
  const index = signIndex({ version: opts.version, expires: opts.expires.toISOString(), plugins }, opts.key);
  writeFileSync(path.join(root, "index.json"), JSON.stringify(index, null, 2));
  return `file://${path.resolve(root)}/`;
}
