import AxeBuilder from "@axe-core/playwright";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

/** A name no other test (or earlier run against the same server) uses. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)).toEqual([]);
}

export async function expectToast(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: text }).or(page.getByRole("alert").filter({ hasText: text })).first()).toBeVisible();
}

/** Sign in through the form in a fresh page; returns once the console shows the overview. */
export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
}

export async function signInAsOperator(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Use a username" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function createRealm(page: Page, name: string): Promise<void> {
  await page.goto("/realms");
  await page.getByLabel("Realm name").fill(name);
  await page.getByRole("button", { name: "Create realm" }).click();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();
}

/** A second browser session (no stored sign-in), e.g. for a token or operator whose access is then taken away. */
export function signedOutContext(browser: Browser): Promise<BrowserContext> {
  // Contexts made in a test inherit the project's `use`, stored sign-in included: start from an empty one.
  return browser.newContext({ baseURL: process.env.ARCAN_E2E_URL, ignoreHTTPSErrors: true, viewport: { width: 1024, height: 800 }, storageState: { cookies: [], origins: [] } });
}
