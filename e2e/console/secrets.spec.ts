import { expect, test } from "@playwright/test";
import { createRealm, expectAccessible, expectToast, unique } from "../helpers";

test("write a secret, reveal it on demand, add a version, see the history, delete it", async ({ page }) => {
  test.setTimeout(60_000);
  const realm = unique("secrets");
  await createRealm(page, realm);
  await page.goto("/secrets");
  await page.getByLabel("Realm", { exact: true }).selectOption(realm);
  await expect(page.getByText("No secrets in this realm yet.")).toBeVisible();

  await page.getByLabel("Key", { exact: true }).fill("DATABASE_URL");
  await page.getByLabel("Value", { exact: true }).fill("postgres://app:first@db/app");
  await page.getByRole("button", { name: "Save secret" }).click();
  await expectToast(page, 'Saved "DATABASE_URL" as version 1.');
  const row = page.getByRole("row", { name: /DATABASE_URL/ });
  await expect(row.getByRole("cell", { name: "v1" })).toBeVisible();
  await expect(page.getByText("postgres://app:first@db/app")).toHaveCount(0);

  await row.getByRole("button", { name: "Reveal DATABASE_URL" }).click();
  const revealed = page.getByRole("dialog", { name: "Value of DATABASE_URL" });
  await expect(revealed.getByLabel("Secret value")).toHaveText("postgres://app:first@db/app");
  await expect(revealed.getByRole("button", { name: "Copy value" })).toBeVisible();
  await expectAccessible(page);
  await revealed.getByRole("button", { name: "Close" }).click();
  await expect(revealed).toBeHidden();

  await row.getByRole("button", { name: "New version of DATABASE_URL" }).click();
  await page.getByLabel("Value", { exact: true }).fill("postgres://app:second@db/app");
  await page.getByRole("button", { name: "Save new version" }).click();
  await expectToast(page, 'Saved "DATABASE_URL" as version 2.');
  await expect(row.getByRole("cell", { name: "v2" })).toBeVisible();

  await row.getByRole("button", { name: "History of DATABASE_URL" }).click();
  const history = page.getByRole("table", { name: "Versions of DATABASE_URL" });
  await expect(history.getByRole("row")).toHaveCount(3);
  await expect(history.getByRole("row", { name: /v2.*current/ })).toBeVisible();
  // The writer is shown by name (the bootstrap token's), with the subject on hover.
  await expect(history.getByRole("row", { name: /v2/ }).locator("[title^='token:tok_']")).toBeVisible();

  await row.getByRole("button", { name: "Delete DATABASE_URL" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete secret" }).click();
  await expectToast(page, 'Secret "DATABASE_URL" deleted.');
  await expect(page.getByText("No secrets in this realm yet.")).toBeVisible();

  // The reveal was audited.
  await page.goto("/audit");
  await page.getByLabel("Realm", { exact: true }).selectOption(realm);
  await page.getByLabel("Action").fill("secret.read");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByRole("table", { name: "Audit entries" }).getByRole("row")).toHaveCount(2);
});
