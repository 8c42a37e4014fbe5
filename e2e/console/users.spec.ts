import { expect, test } from "@playwright/test";
import { expectToast, signedOutContext, signInAsOperator, unique } from "../helpers";

test("create an operator, bind a role, sign in as them, reset the password, disable them", async ({ page, browser }) => {
  const name = unique("alice");
  const password = "correct horse battery staple";
  await page.goto("/users");
  const create = page.getByRole("region", { name: "Create an operator" });
  await create.getByLabel("Username").fill(name);
  await create.getByLabel("Password").fill("short");
  await create.getByRole("button", { name: "Create operator" }).click();
  await expect(create.getByText("at least 12 characters", { exact: true })).toBeVisible();
  await create.getByLabel("Password").fill(password);
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectToast(page, `Operator "${name}" created.`);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByText("active")).toBeVisible();

  await row.getByRole("button", { name: `Bind a role to ${name}` }).click();
  const bind = page.getByRole("region", { name: `Bind a role to ${name}` });
  await bind.getByLabel("Role").selectOption("auditor");
  await bind.getByRole("button", { name: "Bind role" }).click();
  await expectToast(page, `Bound role "auditor" to user:${name} in every realm.`);
  await expect(row.getByText("auditor@*")).toBeVisible();

  const other = await signedOutContext(browser);
  const operator = await other.newPage();
  await signInAsOperator(operator, name, password);
  await expect(operator.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(operator.getByText(`Signed in as ${name}`)).toBeVisible();
  // An auditor may not manage operators: the service's error reaches the page.
  await operator.goto("/users");
  await expect(operator.getByRole("alert").filter({ hasText: 'This request needs the capability "admin".' })).toBeVisible();

  await row.getByRole("button", { name: `Reset password of ${name}` }).click();
  const reset = page.getByRole("region", { name: `Reset the password of ${name}` });
  await reset.getByLabel("New password").fill("another long passphrase");
  await reset.getByRole("button", { name: "Reset password" }).click();
  await expectToast(page, `Password of "${name}" reset.`);

  await row.getByRole("button", { name: `Disable ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable operator" }).click();
  await expectToast(page, `Operator "${name}" disabled`);
  await expect(row.getByText("disabled", { exact: true })).toBeVisible();

  // The open session loses access (the users service dropped the cached principal).
  await operator.goto("/audit");
  await expect(operator).toHaveURL(/\/signin$/);
  await signInAsOperator(operator, name, "another long passphrase");
  await expect(operator.getByRole("alert").filter({ hasText: "This operator account is disabled." })).toBeVisible();
  await other.close();
});
