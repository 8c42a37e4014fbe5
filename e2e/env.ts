/**
 * Where the e2e suite finds its server. Unless ARCAN_E2E_URL names a running server, the
 * config picks a free port once (workers inherit the environment, so they agree) and
 * global-setup starts the production server there.
 */
import { execFileSync } from "node:child_process";

export const E2E_ADMIN_TOKEN = process.env.ARCAN_E2E_TOKEN ?? "e2e-bootstrap-admin-token-0123456789abcdef";

export function ensureE2eUrl(): string {
  if (!process.env.ARCAN_E2E_URL) {
    const script = "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
    const port = execFileSync(process.execPath, ["-e", script]).toString().trim();
    process.env.ARCAN_E2E_URL = `https://127.0.0.1:${port}`;
    process.env.ARCAN_E2E_START_SERVER = "1";
  }
  return process.env.ARCAN_E2E_URL;
}

/**
 * The committed development signing key (tests only). The server global-setup starts
 * trusts its public key, so a spec can install a plugin it signs itself.
 */
export const E2E_PLUGIN_KEY_FILE = new URL("../plugins/dev-keys/DEVELOPMENT-ONLY-NOT-FOR-PRODUCTION.ed25519.pem", import.meta.url).pathname;

/** The signed-in admin session, written by auth.setup.ts and reused by the console tests. */
export const ADMIN_STATE = new URL("../test-results/e2e/.auth/admin.json", import.meta.url).pathname;
