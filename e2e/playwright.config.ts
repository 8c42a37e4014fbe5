import { defineConfig, devices } from "@playwright/test";
import { ADMIN_STATE, ensureE2eUrl } from "./env";

// `npx playwright install` cannot download browsers on this network; Debian's Chromium
// is used instead (scripts/install-chromium.sh).
const chromiumPath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without these, Chromium waits on network services it cannot reach on a closed network.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const chromium = {
  ...devices["Desktop Chrome"],
  // The console must work from 1024 px wide.
  viewport: { width: 1024, height: 800 },
  launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
};

export default defineConfig({
  testDir: ".",
  outputDir: "../test-results/e2e",
  globalSetup: "./global-setup.ts",
  fullyParallel: false,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"], ["html", { open: "never", outputFolder: "../playwright-report" }]] : "list",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: ensureE2eUrl(),
    // The Arcan server always speaks TLS, with a self-signed certificate in tests.
    ignoreHTTPSErrors: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // Signs in once with the bootstrap admin token; the console tests reuse the session.
    { name: "setup", testMatch: "auth.setup.ts", use: chromium },
    { name: "signed-out", testMatch: ["smoke.spec.ts", "signin.spec.ts", "security.spec.ts", "bundle-size.spec.ts"], use: chromium },
    { name: "console", testMatch: "console/**/*.spec.ts", dependencies: ["setup"], use: { ...chromium, storageState: ADMIN_STATE } },
  ],
});
