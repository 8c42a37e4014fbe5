import { expect, test as setup } from "@playwright/test";
import { ADMIN_STATE, E2E_ADMIN_TOKEN } from "./env";

setup("sign in with the bootstrap admin token", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("API token").fill(E2E_ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await page.context().storageState({ path: ADMIN_STATE });
});
