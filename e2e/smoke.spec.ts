import { expect, test } from "@playwright/test";
import { expectAccessible } from "./helpers";

test("a signed-out visitor is sent to the sign-in page", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.ok()).toBe(true);
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page).toHaveTitle(/Arcan/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Arcan" })).toBeVisible();
  await expect(page.getByLabel("API token")).toBeVisible();
  await expectAccessible(page);
});
