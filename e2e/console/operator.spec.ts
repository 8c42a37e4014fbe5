import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../env";
import { expectAccessible, expectToast, signedOutContext, signInAsOperator, unique } from "../helpers";

const admin = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

async function api(request: APIRequestContext, method: "post" | "put", path: string, data: unknown) {
  const reply = await request[method](path, { headers: admin, data });
  expect(reply.status(), `${method} ${path}: ${await reply.text()}`).toBeLessThan(300);
}

test("an operator with a custom role (secrets:read + secrets:write in one realm) does that job on the Secrets page", async ({ page, browser, request }) => {
  test.setTimeout(90_000);
  const realm = unique("ops");
  const other = unique("hidden");
  const role = unique("secret-operator");
  const name = unique("oscar");
  const password = "correct horse battery staple";
  await api(request, "post", "/api/v1/realms", { name: realm });
  await api(request, "post", "/api/v1/realms", { name: other });
  await api(request, "post", "/api/v1/roles", { name: role, capabilities: ["secrets:read", "secrets:write"] });
  await page.goto("/users");
  const create = page.getByRole("region", { name: "Create an operator" });
  await create.getByLabel("Username").fill(name);
  await create.getByLabel("Password").fill(password);
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectToast(page, `Operator "${name}" created.`);
  await api(request, "post", "/api/v1/bindings", { subject: `user:${name}`, role, realm });

  const context = await signedOutContext(browser);
  const operator = await context.newPage();
  await signInAsOperator(operator, name, password);
  await expect(operator.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();

  // The navigation offers only what the role can use.
  const nav = operator.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Secrets" })).toBeVisible();
  for (const hidden of ["Realms", "Tokens", "Roles", "Users", "Audit", "Webhooks", "Policies"]) await expect(nav.getByRole("link", { name: hidden, exact: true })).toHaveCount(0);

  // The overview needs audit:read: explained once, without a "Try again" that cannot work.
  await expect(operator.getByRole("alert").filter({ hasText: "audit:read" })).toHaveCount(1);
  await expect(operator.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expectAccessible(operator);

  await nav.getByRole("link", { name: "Secrets" }).click();
  const picker = operator.getByLabel("Realm", { exact: true });
  await expect(picker).toHaveValue(realm);
  await expect(picker.locator("option")).toHaveText([realm]);
  await operator.getByLabel("Key", { exact: true }).fill("API_KEY");
  await operator.getByLabel("Value", { exact: true }).fill("operator-written-value");
  await operator.getByRole("button", { name: "Save secret" }).click();
  await expectToast(operator, 'Saved "API_KEY" as version 1.');
  await operator.getByRole("button", { name: "Reveal API_KEY" }).click();
  const value = operator.getByRole("dialog", { name: "Value of API_KEY" });
  await expect(value.getByLabel("Secret value")).toHaveText("operator-written-value");
  await expectAccessible(operator);
  await value.getByRole("button", { name: "Close" }).click();

  // A page the role cannot use, opened by address: what is needed and who can grant it.
  await operator.goto("/tokens");
  const refusal = operator.getByRole("alert").filter({ hasText: "tokens:read" });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText("roles:write");
  await expect(operator.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expectAccessible(operator);
  await context.close();
});
