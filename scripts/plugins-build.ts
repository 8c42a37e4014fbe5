// npm run plugins:build: signs every plugin under plugins/ with the DEVELOPMENT key and
// writes a file:// registry to plugins/dist/registry (index signed by the same key).
// The development key is committed for tests only; an operator never trusts it.
import { mkdirSync, readdirSync, rmSync, existsSync } from "node:fs";
import path from "node:path";
import { publicKeyBase64, readPrivateKey, signDirectory, writeRegistry } from "../server/plugins/authoring";

const ROOT = path.resolve(import.meta.dirname, "..");
export const DEV_KEY_FILE = path.join(ROOT, "plugins/dev-keys/DEVELOPMENT-ONLY-NOT-FOR-PRODUCTION.ed25519.pem");
const OUT = path.join(ROOT, "plugins/dist/registry");

const key = readPrivateKey(DEV_KEY_FILE);
const dirs = readdirSync(path.join(ROOT, "plugins"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(ROOT, "plugins", d.name, "manifest.json")))
  .map((d) => path.join(ROOT, "plugins", d.name));
const packages = dirs.map((dir) => signDirectory(dir, key));
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const url = writeRegistry(OUT, packages, { key, version: Math.floor(Date.now() / 1000), expires: new Date(Date.now() + 365 * 86_400_000) });
for (const pkg of packages) process.stdout.write(`signed ${pkg.manifest.name} ${pkg.manifest.version}\n`);
process.stdout.write(`registry: ${url}\ndevelopment public key (tests only): ${publicKeyBase64(key)}\n`);
