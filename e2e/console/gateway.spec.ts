import { expect, test } from "@playwright/test";
import { expectAccessible, expectToast, unique } from "../helpers";

test("add a gateway route (a bad template is refused inline), see its credential source, delete it after confirming", async ({ page }) => {
  await page.goto("/gateway");
  await expect(page.getByRole("heading", { level: 1, name: "Gateway" })).toBeVisible();
  const name = unique("billing");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Upstream").fill("https://billing.example.com:9443");
  await page.getByLabel("Action template").fill("billing.{verb}");
  await page.getByLabel("Credential realm").fill("myapp");
  await page.getByLabel("Secret key").fill("BILLING_API_KEY");
  await page.getByRole("button", { name: "Add route" }).click();
  await expect(page.getByText("unknown placeholder {verb}; use {method}, {path} or {route}")).toBeVisible();

  await page.getByLabel("Action template").fill("billing.{method}");
  await page.getByRole("button", { name: "Add route" }).click();
  await expectToast(page, `Route "${name}" added`);
  const table = page.getByRole("table", { name: "Gateway routes" });
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row.getByText("secret:myapp/BILLING_API_KEY")).toBeVisible();
  await expect(row.getByText("billing.{method}")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  await expectAccessible(page);

  await page.getByRole("button", { name: `Delete route ${name}` }).click();
  await page.getByRole("dialog", { name: `Delete route "${name}"?` }).getByRole("button", { name: "Delete route" }).click();
  await expectToast(page, `Route "${name}" deleted.`);
  await expect(table.getByRole("row").filter({ hasText: name })).toHaveCount(0);
});
