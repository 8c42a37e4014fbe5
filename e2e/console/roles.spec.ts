import { expect, test } from "@playwright/test";
import { expectToast, unique } from "../helpers";

test("the matrix shows what each role grants; create a role with capability checkboxes, bind it, delete it", async ({ page }) => {
  await page.goto("/roles");
  const matrix = page.getByRole("table", { name: "Capabilities granted by each role" });
  await expect(matrix.getByRole("columnheader", { name: "auditor" })).toBeVisible();
  const auditorColumn = await matrix.getByRole("columnheader").allTextContents();
  const auditorIndex = auditorColumn.findIndex((t) => t.startsWith("auditor"));
  expect(auditorIndex).toBeGreaterThan(0);
  await expect(matrix.getByRole("row", { name: /^audit:read/ }).getByRole("cell").nth(auditorIndex - 1)).toHaveText(/^\W*granted$/);
  await expect(matrix.getByRole("row", { name: /^secrets:write/ }).getByRole("cell").nth(auditorIndex - 1)).toHaveText(/^\W*not granted$/);

  const role = unique("deployer");
  const create = page.getByRole("region", { name: "Create a role" });
  await create.getByLabel("Role name").fill(role);
  await create.getByRole("button", { name: "Create role" }).click();
  await expect(create.getByText("choose at least one capability")).toBeVisible();
  await create.getByLabel("secrets:read", { exact: true }).check();
  await create.getByLabel("secrets:write", { exact: true }).check();
  await create.getByRole("button", { name: "Create role" }).click();
  await expectToast(page, `Role "${role}" created.`);
  await expect(matrix.getByRole("columnheader", { name: new RegExp(role) })).toBeVisible();

  const bind = page.getByRole("region", { name: "Bind a role" });
  await bind.getByLabel("Subject").fill("user:nobody-such");
  await bind.getByLabel("Role").selectOption(role);
  await bind.getByRole("button", { name: "Bind role" }).click();
  await expectToast(page, 'Subject "user:nobody-such" does not exist.');

  await page.getByRole("button", { name: `Delete role ${role}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete role" }).click();
  await expectToast(page, `Role "${role}" deleted.`);
  await expect(matrix.getByRole("columnheader", { name: new RegExp(role) })).toHaveCount(0);
});
