/**
 * The console's session secret: generated once, kept in the data directory (mode 0600),
 * and handed to NextAuth through the environment before Next starts. An operator who
 * runs several processes behind one address sets NEXTAUTH_SECRET to the same value on
 * each of them instead.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const SESSION_SECRET_FILE = "console-session.key";

export function loadOrCreateSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, SESSION_SECRET_FILE);
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const value = readFileSync(file, "utf8").trim();
    if (value.length >= 43) return value;
  }
  const value = randomBytes(32).toString("base64url");
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}

/** Sets what NextAuth reads from the environment; called by server/main.ts before Next starts. */
export function prepareConsoleEnvironment(dataDir: string): void {
  if (!process.env.NEXTAUTH_SECRET) process.env.NEXTAUTH_SECRET = loadOrCreateSessionSecret(dataDir);
  // The server is reached by whatever host name the operator uses (localhost, an IP, a DNS
  // name); NextAuth takes its origin from the request's Host header, which the security
  // wrapper keeps free of client-supplied X-Forwarded-Host.
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST = "true";
}
