import { expect, test } from "@playwright/test";
import { createRealm, expectToast, unique } from "../helpers";

test("create a realm, refuse a bad name inline, delete it after confirming", async ({ page }) => {
  await page.goto("/realms");
  await page.getByLabel("Realm name").fill("Bad Name!");
  await page.getByRole("button", { name: "Create realm" }).click();
  await expect(page.getByText(/a lowercase slug: a-z, 0-9 and '-'/)).toBeVisible();

  const name = unique("realm");
  await createRealm(page, name);
  await expectToast(page, `Realm "${name}" created.`);

  await page.getByRole("button", { name: `Delete realm ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Delete realm "${name}"?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("cell", { name, exact: true })).toBeVisible();

  await page.getByRole("button", { name: `Delete realm ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete realm" }).click();
  await expectToast(page, `Realm "${name}" deleted.`);
  await expect(page.getByRole("cell", { name, exact: true })).toHaveCount(0);
});
