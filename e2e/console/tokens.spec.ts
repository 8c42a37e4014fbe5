import { expect, test } from "@playwright/test";
import { expectToast, signedOutContext, signInWithToken, unique } from "../helpers";

test.describe.configure({ mode: "serial" });

test("create a token: its value is shown once with a copy button, and never again", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/tokens");
  await page.getByRole("button", { name: "Create token" }).click();
  // The form checks with the server's contract schema, so it shows the server's own message.
  await expect(page.getByText("a name is required")).toBeVisible();

  const name = unique("ci");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("TTL").fill("12h");
  await page.getByLabel("secrets:read", { exact: true }).check();
  await page.getByLabel("realms:read", { exact: true }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  await expectToast(page, `Token "${name}" created.`);

  const value = (await page.getByTestId("token-value").textContent())!.trim();
  expect(value).toMatch(/^arc_/);
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);

  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByRole("cell", { name: "secrets:read, realms:read" })).toBeVisible();
  await expect(row.getByText("active")).toBeVisible();

  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("token-value")).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();
  expect(await page.content()).not.toContain(value);
  const listJson = await page.evaluate(() => fetch("/api/trpc/tokens.list").then((r) => r.text()));
  expect(listJson).toContain(name);
  expect(listJson).not.toContain(value);
});

test("rotate shows a new value once; revoking a token ends its console session", async ({ page, browser }) => {
  await page.goto("/tokens");
  const name = unique("console-user");
  await page.getByLabel("Name").fill(name);
  for (const c of ["realms:read", "audit:read", "tokens:read"]) await page.getByLabel(c, { exact: true }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const first = (await page.getByTestId("token-value").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();

  await page.getByRole("button", { name: `Rotate ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Rotate token" }).click();
  await expectToast(page, `Token "${name}" rotated`);
  const second = (await page.getByTestId("token-value").textContent())!.trim();
  expect(second).not.toBe(first);
  await page.getByRole("button", { name: "Done" }).click();

  const other = await signedOutContext(browser);
  const otherPage = await other.newPage();
  await otherPage.goto("/signin");
  await otherPage.getByLabel("API token").fill(first);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage.getByRole("alert").filter({ hasText: "That API token is not valid." })).toBeVisible();
  await signInWithToken(otherPage, second);
  await otherPage.goto("/realms");
  await expect(otherPage.getByRole("heading", { level: 1, name: "Realms" })).toBeVisible();

  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expectToast(page, `Token "${name}" revoked.`);
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByText("revoked")).toBeVisible();

  // The revoked token's session loses access at once (revocation drops it from the token cache).
  await otherPage.goto("/audit");
  await expect(otherPage).toHaveURL(/\/signin$/);
  await other.close();
});

test("revoke all asks first, then revokes every token but this session's own", async ({ page }) => {
  await page.goto("/tokens");
  const name = unique("doomed");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("realms:read", { exact: true }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  await page.getByRole("button", { name: "Done" }).click();

  await page.getByRole("button", { name: "Revoke all tokens" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByText("active")).toBeVisible();

  await page.getByRole("button", { name: "Revoke all tokens" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke all" }).click();
  await expectToast(page, /token\(s\) revoked/);
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByText("revoked")).toBeVisible();
  await expect(page.getByRole("row", { name: /bootstrap-admin/ }).getByText("active")).toBeVisible();
});
