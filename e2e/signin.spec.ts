import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";
import { expectAccessible, signInAsOperator } from "./helpers";

test("a wrong API token gets a clear message and no session", async ({ page, context }) => {
  await page.goto("/signin");
  await page.getByLabel("API token").fill("not-a-real-token-not-a-real-token-000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "That API token is not valid." })).toBeVisible();
  expect((await context.cookies()).some((c) => c.name === "__Host-arcan.session")).toBe(false);
  await page.goto("/tokens");
  await expect(page).toHaveURL(/\/signin$/);
});

test("an empty token is caught before it is sent", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter an API token.")).toBeVisible();
});

test("a wrong operator password gets a clear message", async ({ page }) => {
  await signInAsOperator(page, "nobody-here", "definitely-wrong-password");
  await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password." })).toBeVisible();
  await expectAccessible(page);
});

test("the right token signs in with secure session cookies, and sign-out ends the session", async ({ page, context }) => {
  await page.goto("/signin");
  await page.getByLabel("API token").fill(E2E_ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  await expect(page.getByText("Signed in as bootstrap-admin")).toBeVisible();

  const session = (await context.cookies()).find((c) => c.name === "__Host-arcan.session");
  expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax", path: "/" });
  expect(session?.value).not.toContain(E2E_ADMIN_TOKEN);
  // Client code cannot read the session cookie, and the session endpoint never returns the token.
  expect(await page.evaluate(() => document.cookie)).not.toContain("arcan.session");
  const sessionJson = await page.evaluate(() => fetch("/api/auth/session").then((r) => r.text()));
  expect(sessionJson).toContain("bootstrap-admin");
  expect(sessionJson).not.toContain(E2E_ADMIN_TOKEN);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  expect((await context.cookies()).some((c) => c.name === "__Host-arcan.session" && c.value)).toBe(false);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
});
