import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../env";
import { expectAccessible, expectToast, unique } from "../helpers";

const admin = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

/** The open dialog fits the 1024 px window: no horizontal scroll, the dialog inside it. */
async function expectDialogFits(page: Page) {
  const fit = await page.evaluate(() => {
    const box = document.querySelector("dialog[open]")?.getBoundingClientRect();
    return { scroll: document.documentElement.scrollWidth, width: window.innerWidth, left: box?.left ?? -1, right: box?.right ?? Infinity };
  });
  expect(fit.scroll).toBeLessThanOrEqual(fit.width);
  expect(fit.left).toBeGreaterThanOrEqual(0);
  expect(fit.right).toBeLessThanOrEqual(fit.width);
}

/** With ARCAN_E2E_SCREENS set, a screenshot for the closing note. */
async function screen(page: Page, name: string) {
  if (process.env.ARCAN_E2E_SCREENS) await page.screenshot({ path: `${process.env.ARCAN_E2E_SCREENS}/${name}.png` });
}

async function api<T>(request: APIRequestContext, method: "post" | "get", path: string, data?: unknown): Promise<T> {
  const reply = await request[method](path, { headers: admin, ...(data === undefined ? {} : { data }) });
  expect(reply.status(), `${method} ${path}: ${await reply.text()}`).toBeLessThan(300);
  return (await reply.json()) as T;
}

test("edit a custom role's capabilities in a dialog; the bindings table shows the subject's name", async ({ page, request }) => {
  test.setTimeout(60_000);
  const role = unique("editor");
  const tokenName = unique("bound-token");
  await api(request, "post", "/api/v1/roles", { name: role, capabilities: ["secrets:read"] });
  const token = await api<{ id: string }>(request, "post", "/api/v1/auth/tokens", { name: tokenName, capabilities: ["realms:read"], realms: ["*"] });
  await api(request, "post", "/api/v1/bindings", { subject: `token:${token.id}`, role, realm: "*" });

  await page.goto("/roles");
  const bindings = page.getByRole("table", { name: "Role bindings" });
  const bound = bindings.getByRole("row", { name: new RegExp(role) });
  await expect(bound.getByText(tokenName)).toBeVisible();
  await expect(bound.locator(`[title="token:${token.id}"]`)).toBeVisible();

  await page.getByRole("button", { name: `Edit capabilities of role ${role}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit role "${role}"` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("secrets:read", { exact: true })).toBeChecked();
  await expectAccessible(page);
  await expectDialogFits(page);
  await screen(page, "role-edit-dialog");

  // The contract's rule, checked before sending: a role grants at least one capability.
  await dialog.getByLabel("secrets:read", { exact: true }).uncheck();
  await dialog.getByRole("button", { name: "Save capabilities" }).click();
  await expect(dialog.getByText("choose at least one capability")).toBeVisible();

  await dialog.getByLabel("secrets:write", { exact: true }).check();
  await dialog.getByLabel("audit:read", { exact: true }).check();
  await dialog.getByRole("button", { name: "Save capabilities" }).click();
  await expectToast(page, `Role "${role}" now grants 2 capabilities.`);
  await expect(dialog).toBeHidden();

  const matrix = page.getByRole("table", { name: "Capabilities granted by each role" });
  const headers = await matrix.getByRole("columnheader").allTextContents();
  const index = headers.findIndex((t) => t.startsWith(role));
  expect(index).toBeGreaterThan(0);
  const cell = (capability: string) => matrix.getByRole("row", { name: new RegExp(`^${capability}`) }).getByRole("cell").nth(index - 1);
  await expect(cell("secrets:write")).toHaveText(/^\W*granted$/);
  await expect(cell("audit:read")).toHaveText(/^\W*granted$/);
  await expect(cell("secrets:read")).toHaveText(/^\W*not granted$/);
  const saved = await api<{ capabilities: string[] }>(request, "get", `/api/v1/roles/${role}`);
  expect([...saved.capabilities].sort()).toEqual(["audit:read", "secrets:write"]);
});

test("edit a realm's description", async ({ page, request }) => {
  const realm = unique("described");
  await api(request, "post", "/api/v1/realms", { name: realm, description: "before" });
  await page.goto("/realms");
  const row = page.getByRole("row", { name: new RegExp(realm) });
  await expect(row.getByText("before")).toBeVisible();
  await page.getByRole("button", { name: `Edit realm ${realm}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit realm "${realm}"` });
  await expect(dialog.getByLabel("Description")).toHaveValue("before");
  await expectAccessible(page);
  await screen(page, "realm-edit-dialog");
  await dialog.getByLabel("Description").fill("Payments team, production");
  await dialog.getByRole("button", { name: "Save realm" }).click();
  await expectToast(page, `Realm "${realm}" updated.`);
  await expect(dialog).toBeHidden();
  await expect(row.getByText("Payments team, production")).toBeVisible();
});

test("a token shows its id with a copy button; edit its description and rate limit, then delete it", async ({ page, context, request }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const name = unique("editable");
  const token = await api<{ id: string }>(request, "post", "/api/v1/auth/tokens", { name, capabilities: ["realms:read"], realms: ["*"] });
  await page.goto("/tokens");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByTestId("token-id")).toHaveText(token.id);
  await row.getByRole("button", { name: `Copy id of ${name}` }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token.id);

  await page.getByRole("button", { name: `Edit ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit token "${name}"` });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await expectDialogFits(page);
  await screen(page, "token-edit-dialog");
  await dialog.getByLabel("Rate limit").fill("0");
  await dialog.getByRole("button", { name: "Save token" }).click();
  await expect(dialog.getByLabel("Rate limit")).toHaveAttribute("aria-invalid", "true");
  await dialog.getByLabel("Description").fill("Nightly export job");
  await dialog.getByLabel("Rate limit").fill("25");
  await dialog.getByRole("button", { name: "Save token" }).click();
  await expectToast(page, `Token "${name}" updated.`);
  await expect(dialog).toBeHidden();
  await expect(row.getByText("Nightly export job")).toBeVisible();
  const saved = await api<{ description: string; rate_limit: number | null }>(request, "get", `/api/v1/auth/tokens/${token.id}`);
  expect(saved).toMatchObject({ description: "Nightly export job", rate_limit: 25 });

  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete "${name}"?` });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toBeVisible();
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await confirm.getByRole("button", { name: "Delete token" }).click();
  await expectToast(page, `Token "${name}" deleted.`);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  const gone = await request.get(`/api/v1/auth/tokens/${token.id}`, { headers: admin });
  expect(gone.status()).toBe(404);
});

test("edit a webhook endpoint's URL and events; the Events field starts empty with a placeholder", async ({ page }) => {
  const path = unique("hook");
  await page.goto("/webhooks");
  const events = page.getByLabel("Events", { exact: true });
  await expect(events).toHaveValue("");
  await expect(events).toHaveAttribute("placeholder", /secret\.set/);
  await page.getByLabel("URL", { exact: true }).fill(`https://hooks.example.com/${path}`);
  // Events no other spec causes, so nothing is delivered to this address while it exists.
  await events.fill("plugin.crashed");
  await page.getByRole("button", { name: "Register endpoint" }).click();
  await expectToast(page, "Endpoint registered.");
  await page.getByRole("button", { name: "Done" }).click();

  await page.getByRole("button", { name: `Edit https://hooks.example.com/${path}` }).click();
  const form = page.getByRole("region", { name: "Edit endpoint" });
  await expect(form.getByLabel("Events", { exact: true })).toHaveValue("plugin.crashed");
  await form.getByLabel("URL", { exact: true }).fill(`https://hooks.example.com/${path}-v2`);
  await form.getByLabel("Events", { exact: true }).fill("plugin.crashed, plugin.upgraded");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expectToast(page, "Endpoint updated.");
  const row = page.getByRole("table", { name: "Webhook endpoints" }).getByRole("row", { name: new RegExp(`${path}-v2`) });
  await expect(row.getByRole("cell", { name: "plugin.crashed, plugin.upgraded" })).toBeVisible();
  await page.getByRole("button", { name: `Delete https://hooks.example.com/${path}-v2` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete endpoint" }).click();
  await expectToast(page, "Endpoint deleted.");
});
