import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readPrivateKey, signPackage } from "../../server/plugins/authoring";
import { canLogIn } from "../../test/helpers/pg-login";
import { E2E_ADMIN_TOKEN, E2E_PLUGIN_KEY_FILE } from "../env";
import { expectAccessible, expectToast, unique } from "../helpers";

// The shared local PostgreSQL (trust authentication): any root password is accepted, and a
// dropped role cannot log in at all, which is what shows a revoked lease is gone.
const PG_URL = "postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres";
const auth = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

async function newRealm(request: APIRequestContext, prefix: string): Promise<string> {
  const realm = unique(prefix);
  expect((await request.post("/api/v1/realms", { headers: auth, data: { name: realm } })).status()).toBe(201);
  return realm;
}

async function openEngines(page: Page, realm: string) {
  await page.goto("/engines");
  await expect(page.getByRole("heading", { level: 1, name: "Engines" })).toBeVisible();
  await page.getByLabel("Realm", { exact: true }).selectOption(realm);
  await expect(page.getByRole("heading", { name: `Engines in ${realm}` })).toBeVisible();
}

test("mount PostgreSQL, define a role, watch a lease on the Leases page, revoke it, delete the mount", async ({ page, request }) => {
  test.setTimeout(90_000);
  const realm = await newRealm(request, "engines");
  const mount = unique("pg");
  await openEngines(page, realm);
  const form = page.getByRole("form", { name: "Mount an engine" });
  await expect(form.getByLabel("Engine type")).toHaveValue("postgres");
  await expectAccessible(page);

  // Refused in the browser by the postgres contract: a password written into the URL.
  await form.getByLabel("Name").fill(mount);
  await form.getByLabel("Connection URL").fill("postgresql://postgres:in-the-url@127.0.0.1:5432/postgres");
  await form.getByLabel("Root user").fill("postgres");
  await form.getByLabel("Root password").fill("any-password-trust-auth");
  await form.getByRole("button", { name: "Mount engine" }).click();
  await expect(form.getByText("put the password in config.password and write {{password}} in the URL")).toBeVisible();
  await expect(form.getByLabel("Connection URL")).toHaveAttribute("aria-invalid", "true");

  // Refused by the server: nothing listens there. The reason is shown in the form, the password is not.
  await form.getByLabel("Connection URL").fill("postgresql://{{username}}:{{password}}@127.0.0.1:1/postgres");
  await form.getByRole("button", { name: "Mount engine" }).click();
  const failure = form.getByTestId("mount-error");
  await expect(failure).toContainText("could not connect to PostgreSQL");
  await expect(failure).not.toContainText("any-password-trust-auth");
  await expect(form.getByLabel("Root password")).toHaveValue("");
  await expectAccessible(page);

  await form.getByLabel("Connection URL").fill(PG_URL);
  await form.getByLabel("Root password").fill("any-password-trust-auth");
  await form.getByRole("button", { name: "Mount engine" }).click();
  await expectToast(page, `Engine "${mount}" mounted.`);
  await expect(failure).toHaveCount(0);
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: mount, exact: true }) });
  await expect(row.getByRole("cell", { name: "postgres", exact: true })).toBeVisible();
  await expect(row.getByText("healthy")).toBeVisible();

  // A role, from the roles editor with its default statements.
  await page.getByRole("button", { name: `Roles of ${mount}` }).click();
  await page.getByLabel("Role name").fill("readonly");
  await page.getByRole("button", { name: "Create role" }).click();
  await expectToast(page, 'Role "readonly" created.');
  await expect(page.getByRole("cell", { name: "readonly", exact: true })).toBeVisible();
  await expectAccessible(page);

  // The Leases page offers no "create": a lease is made through REST, as a client would.
  const made = await request.post(`/api/v1/realms/${realm}/leases`, { headers: auth, data: { engine: mount, role: "readonly", ttl: "1h" } });
  expect(made.status()).toBe(201);
  const lease = (await made.json()) as { lease_id: string; credentials: { username: string; password: string } };
  expect(await canLogIn({ host: "127.0.0.1", port: 5432, database: "postgres", user: lease.credentials.username, password: lease.credentials.password })).toBe(true);

  await page.goto("/leases");
  await expect(page.getByRole("heading", { level: 1, name: "Leases" })).toBeVisible();
  await page.getByLabel("Realm", { exact: true }).selectOption(realm);
  const leaseRow = page.getByRole("row").filter({ has: page.getByRole("cell", { name: lease.lease_id, exact: true }) });
  await expect(leaseRow.getByRole("cell", { name: `${mount}/readonly` })).toBeVisible();
  await expect(leaseRow.getByRole("timer")).toHaveText(/^(59m|1h 00m) \d\ds$/);
  await expect(page.getByText(lease.credentials.password)).toHaveCount(0);
  await expectAccessible(page);

  // Cancel keeps it; confirming revokes it in the database before the page says so.
  await page.getByRole("button", { name: `Revoke ${lease.lease_id}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke lease ${lease.lease_id}?` });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(leaseRow).toBeVisible();
  await page.getByRole("button", { name: `Revoke ${lease.lease_id}` }).click();
  await dialog.getByRole("button", { name: "Revoke lease" }).click();
  await expectToast(page, `Lease ${lease.lease_id} revoked: its credentials no longer work.`);
  await expect(leaseRow).toHaveCount(0);
  expect(await canLogIn({ host: "127.0.0.1", port: 5432, database: "postgres", user: lease.credentials.username, password: lease.credentials.password })).toBe(false);
  const after = await request.get(`/api/v1/realms/${realm}/leases/${lease.lease_id}`, { headers: auth });
  expect(((await after.json()) as { state: string }).state).toBe("revoked");

  // With no active lease left, the mount deletes after one confirmation.
  await openEngines(page, realm);
  await page.getByRole("button", { name: `Delete ${mount}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete engine "${mount}"?` });
  await expect(confirm).toBeVisible();
  await expectAccessible(page);
  await confirm.getByRole("button", { name: "Delete engine" }).click();
  await expectToast(page, `Engine "${mount}" deleted.`);
  await expect(page.getByRole("cell", { name: mount, exact: true })).toHaveCount(0);
  expect((await request.get(`/api/v1/realms/${realm}/engines/${mount}`, { headers: auth })).status()).toBe(404);
});

// A plugin signed in the test with the development key the e2e server trusts: its
// config_schema has a required string, a write-only string, a bounded integer and a
// boolean, and its health check fails for one endpoint, so the server can refuse a mount.
// Its role_schema, like the mariadb plugin's, takes a list of grants and a host.
const PLUGIN_SOURCE = `
export async function create(ctx, { lease_id }) { return { credentials: { key: "k-" + lease_id } }; }
export async function revoke() {}
export async function health(ctx) {
  return ctx.config.endpoint === "https://down.invalid" ? { ok: false, detail: "the endpoint is down" } : { ok: true, detail: null };
}
`;

function pluginPackage(name: string) {
  const configSchema = {
    type: "object",
    required: ["endpoint", "token"],
    properties: {
      endpoint: { type: "string", description: "Where the service listens." },
      token: { type: "string", writeOnly: true },
      retries: { type: "integer", minimum: 0, maximum: 5 },
      verbose: { type: "boolean" },
    },
    additionalProperties: false,
  };
  const roleSchema = {
    type: "object",
    properties: {
      grants: { type: "array", items: { type: "string", pattern: "^[A-Z ,]+ ON [a-z0-9_*.]+$" }, description: "Privileges, such as SELECT ON app.*" },
      host: { type: "string", pattern: "^[a-z0-9.%-]{1,60}$" },
    },
    additionalProperties: false,
  };
  const manifest = { schema: 1, name, version: "1.0.0", engine_type: name, arcan: ">=0.1", entry: "plugin.js", host_functions: ["config"], limits: {}, config_schema: configSchema, role_schema: roleSchema };
  const built = signPackage(manifest, { "plugin.js": Buffer.from(PLUGIN_SOURCE, "utf8") }, readPrivateKey(E2E_PLUGIN_KEY_FILE));
  return { envelope: built.envelope, files: { "plugin.js": built.files["plugin.js"]!.toString("base64") } };
}

test("an installed plugin is listed on the Plugins page, its engine type mounts from a form made of its config_schema, and its roles from its role_schema", async ({ page, request }) => {
  test.setTimeout(90_000);
  const plugin = unique("e2eplug");
  const realm = await newRealm(request, "plugeng");
  const installed = await request.post("/api/v1/plugins", { headers: auth, data: pluginPackage(plugin) });
  expect(installed.status(), await installed.text()).toBe(201);
  try {
    await page.goto("/plugins");
    await expect(page.getByRole("heading", { level: 1, name: "Plugins" })).toBeVisible();
    const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: plugin, exact: true }) });
    await expect(row.getByRole("cell", { name: "1.0.0", exact: true })).toBeVisible();
    await expect(row.getByText("active")).toBeVisible();
    await expect(row.getByRole("cell", { name: "config", exact: true })).toBeVisible();
    await expect(row.getByRole("cell", { name: "endpoint*, token* (write-only), retries, verbose", exact: true })).toBeVisible();
    await expect(row.getByRole("cell", { name: /^ed25519:[0-9a-f]{16}$/ })).toBeVisible();
    // The layout spec may visit this page while the plugin is installed: its row must fit at 1024 px.
    const remove = await row.getByRole("button", { name: `Remove plugin ${plugin}` }).boundingBox();
    expect(remove!.x + remove!.width).toBeLessThanOrEqual(1024);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await expectAccessible(page);

    await openEngines(page, realm);
    const form = page.getByRole("form", { name: "Mount an engine" });
    await form.getByLabel("Engine type").selectOption(plugin);
    await expect(form.getByLabel("Connection URL")).toHaveCount(0);
    await expect(form.getByLabel("endpoint")).toBeVisible();
    await expect(form.getByLabel("token")).toHaveAttribute("type", "password");
    await expect(form.getByLabel("verbose")).not.toBeChecked();
    await expectAccessible(page);

    // The schema's own rules, in the browser: required fields and the integer's bound.
    const mount = unique("plug");
    await form.getByLabel("Name").fill(mount);
    await form.getByLabel("retries").fill("9");
    await form.getByRole("button", { name: "Mount engine" }).click();
    await expect(form.getByLabel("endpoint")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("is required")).toHaveCount(2);
    await expect(form.getByText("must be at most 5")).toBeVisible();

    // The server refuses what only it can check (the plugin's health), in the form.
    await form.getByLabel("endpoint").fill("https://down.invalid");
    await form.getByLabel("token").fill("write-only-plugin-token");
    await form.getByLabel("retries").fill("2");
    await form.getByLabel("verbose").check();
    await form.getByRole("button", { name: "Mount engine" }).click();
    await expect(form.getByTestId("mount-error")).toContainText("the endpoint is down");
    await expect(form.getByLabel("token")).toHaveValue("");

    await form.getByLabel("endpoint").fill("https://up.invalid");
    await form.getByLabel("token").fill("write-only-plugin-token");
    await form.getByRole("button", { name: "Mount engine" }).click();
    await expectToast(page, `Engine "${mount}" mounted.`);
    const engineRow = page.getByRole("row").filter({ has: page.getByRole("cell", { name: mount, exact: true }) });
    await expect(engineRow.getByRole("cell", { name: plugin, exact: true })).toBeVisible();
    const stored = (await (await request.get(`/api/v1/realms/${realm}/engines/${mount}`, { headers: auth })).json()) as { config: Record<string, unknown> };
    expect(stored.config).toEqual({ endpoint: "https://up.invalid", retries: 2, verbose: true });

    // A role from the plugin's role_schema: grants one per line, the host as text.
    await page.getByRole("button", { name: `Roles of ${mount}` }).click();
    const roleForm = page.getByRole("form", { name: "New role" });
    await expect(roleForm.getByLabel("Creation statements")).toHaveCount(0);
    await roleForm.getByLabel("Role name").fill("reader");
    await roleForm.getByLabel("grants").fill("SELECT ON app.*\ndrop everything");
    await roleForm.getByLabel("host").fill("%");
    await roleForm.getByLabel("Default TTL").fill("10m");
    await roleForm.getByRole("button", { name: "Create role" }).click();
    await expect(roleForm.getByLabel("grants")).toHaveAttribute("aria-invalid", "true");
    await expect(roleForm.getByText("line 2: must match ^[A-Z ,]+ ON [a-z0-9_*.]+$")).toBeVisible();
    await expect(roleForm.getByLabel("host")).not.toHaveAttribute("aria-invalid", "true");
    await expectAccessible(page);
    const noRole = await request.get(`/api/v1/realms/${realm}/engines/${mount}/roles/reader`, { headers: auth });
    expect(noRole.status()).toBe(404);

    // Refused by the server (a default longer than the maximum), under the field it names.
    await roleForm.getByLabel("grants").fill("SELECT ON app.*\nINSERT, UPDATE ON app.events");
    await roleForm.getByLabel("Max TTL").fill("5m");
    await roleForm.getByRole("button", { name: "Create role" }).click();
    await expect(roleForm.getByText("must not exceed max_ttl")).toBeVisible();
    await expect(roleForm.getByLabel("Default TTL")).toHaveAttribute("aria-invalid", "true");
    await expect(roleForm.getByLabel("grants")).not.toHaveAttribute("aria-invalid", "true");

    await roleForm.getByLabel("Max TTL").fill("24h");
    await roleForm.getByRole("button", { name: "Create role" }).click();
    await expectToast(page, 'Role "reader" created.');
    const roleRow = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "reader", exact: true }) });
    await expect(roleRow.getByText("grants: SELECT ON app.*, INSERT, UPDATE ON app.events")).toBeVisible();
    await expect(roleRow.getByRole("cell", { name: "600s", exact: true })).toBeVisible();
    const role = (await (await request.get(`/api/v1/realms/${realm}/engines/${mount}/roles/reader`, { headers: auth })).json()) as Record<string, unknown>;
    expect(role).toMatchObject({ name: "reader", grants: ["SELECT ON app.*", "INSERT, UPDATE ON app.events"], host: "%", default_ttl: 600, max_ttl: 86_400 });
    expect((await request.delete(`/api/v1/realms/${realm}/engines/${mount}`, { headers: auth })).status()).toBe(204);
  } finally {
    // Plugins are server-wide: leave none behind for the other specs.
    await request.delete(`/api/v1/plugins/${plugin}`, { headers: auth });
  }
});
