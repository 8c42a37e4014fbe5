import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../env";
import { unique } from "../helpers";

// Every page of the navigation, plus the pages reached from the frame.
const PAGES = ["/", "/realms", "/secrets", "/tokens", "/roles", "/audit", "/webhooks", "/users", "/plugins", "/agents", "/policies", "/reviews", "/engines", "/leases", "/api-reference"];
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1440, height: 900 },
];

/** No horizontal page scroll, and every button in a table row inside the window. */
async function expectFits(page: Page, path: string) {
  const report = await page.evaluate(() => {
    const width = window.innerWidth;
    const outside = [...document.querySelectorAll("main tbody button, main tbody a")]
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.left < 0 || box.right > width + 0.5))
      .map(({ el, box }) => `${el.getAttribute("aria-label") ?? el.textContent} at ${Math.round(box.left)}–${Math.round(box.right)}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, outside };
  });
  expect(report.scrollWidth, `${path} is wider than the window`).toBeLessThanOrEqual(report.width);
  expect(report.outside, `${path}: row actions outside the window`).toEqual([]);
}

test("no page is wider than the window at 1024×768 and 1440×900, and row actions stay in view", async ({ page, request }) => {
  test.setTimeout(300_000);
  const realm = unique("layout");
  const auth = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  expect((await request.post("/api/v1/realms", { headers: auth, data: { name: realm, description: "Layout check realm with a description long enough to wrap" } })).status()).toBe(201);
  const longValue = `postgres://service-account-with-a-long-name:${"x".repeat(80)}@db.internal.example.com:5432/app?sslmode=verify-full`;
  expect((await request.put(`/api/v1/realms/${realm}/secrets/A_RATHER_LONG_SECRET_KEY_NAME_FOR_THE_LAYOUT_CHECK`, { headers: auth, data: { value: longValue } })).status()).toBe(200);
  // Enough roles that the capability matrix is wider than the window, whatever ran before.
  for (let i = 0; i < 12; i++) {
    expect((await request.post("/api/v1/roles", { headers: auth, data: { name: unique(`layout-role-${i}`), capabilities: ["secrets:read"] } })).status()).toBe(201);
  }
  expect((await request.post("/api/v1/auth/tokens", { headers: auth, data: { name: unique("layout-token-with-a-very-long-label"), capabilities: ["secrets:read", "secrets:write", "audit:read"], realms: [realm] } })).status()).toBe(201);

  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      // Some pages keep a live connection open: wait for their loading states instead of network idle.
      await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0, { timeout: 20_000 });
      await expectFits(page, `${path} at ${size.width}`);
    }
    // The revealed value opens in a dialog that fits too.
    await page.goto("/secrets");
    await page.getByLabel("Realm", { exact: true }).selectOption(realm);
    await page.getByRole("button", { name: /^Reveal A_RATHER_LONG/ }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByLabel("Secret value")).toHaveText(longValue);
    await expectFits(page, `/secrets dialog at ${size.width}`);
    if (process.env.ARCAN_E2E_SCREENS) await page.screenshot({ path: `${process.env.ARCAN_E2E_SCREENS}/secrets-value-${size.width}.png` });
    await dialog.getByRole("button", { name: "Close" }).click();
  }
});
