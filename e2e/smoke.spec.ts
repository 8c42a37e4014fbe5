import { expect, test } from "@playwright/test";

test.beforeAll(() => {
  if (!process.env.ARCAN_E2E_URL) {
    throw new Error("ARCAN_E2E_URL must point at a running Arcan server, e.g. https://127.0.0.1:8443");
  }
});

test("console landing page shows the product name", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.ok()).toBe(true);
  await expect(page).toHaveTitle(/Arcan/);
  await expect(page.getByRole("heading", { level: 1, name: "Arcan" })).toBeVisible();
});
