import { expect, test } from "@playwright/test";
import { exchangeStsToken } from "../agent-auth";
import { expectAccessible, expectToast, unique } from "../helpers";

test("register an agent: its credential is shown once, rotate shows a new one, disable stops it, delete removes it", async ({ page, context, request }) => {
  // ~25 s alone; the room is for a machine shared with other specs (several axe runs, debounced validation).
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/agents");
  const form = page.getByRole("region", { name: "Register an agent" });

  // The form checks with the server's contract: a bad name and a bad scope are refused under their fields.
  await form.getByLabel("Name").fill("not a name!");
  await form.getByLabel("Allowed scopes").fill("notes.read:note/* just-a-word");
  await form.getByRole("button", { name: "Register agent" }).click();
  await expect(form.getByText("letters, digits, '.', '_' and '-', at most 100 characters")).toBeVisible();
  await expect(form.getByText('"just-a-word": a scope looks like "jira.read:project/FIN-OPS"')).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  const name = unique("reconciler");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Trust tier").selectOption("2");
  await form.getByLabel("Allowed scopes").fill("notes.read:note/* notes.share:note/FIN-*");
  await form.getByRole("button", { name: "Register agent" }).click();
  await expectToast(page, `Agent "${name}" registered.`);
  const shown = page.getByRole("region", { name: "New agent credential" });
  const first = (await shown.getByTestId("agent-credential").textContent())!.trim();
  expect(first).toMatch(/^agt_/);
  await shown.getByRole("button", { name: "Copy", exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
  await expectAccessible(page);

  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row.getByRole("cell", { name: "2", exact: true })).toBeVisible();
  await expect(row.getByRole("cell", { name: "notes.read:note/* notes.share:note/FIN-*" })).toBeVisible();
  await expect(row.getByText("active")).toBeVisible();
  await expect(row.getByRole("cell", { name: `${first.slice(0, 8)}…` })).toBeVisible();

  // Shown once: gone after Done and after a reload, and never in the list's data.
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("agent-credential")).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(first);
  const listJson = await page.evaluate(() => fetch("/api/trpc/agents.list").then((r) => r.text()));
  expect(listJson).toContain(name);
  expect(listJson).not.toContain(first);

  const exchanges = (credential: string) => exchangeStsToken(request, { credential, scopes: ["notes.read:note/1"], task: "read one note" }).then((r) => r.status());
  expect(await exchanges(first)).toBe(200);

  await row.getByRole("button", { name: `Rotate the credential of ${name}` }).click();
  const rotate = page.getByRole("dialog", { name: `Rotate credential: "${name}"?` });
  await expect(rotate).toBeVisible();
  await expectAccessible(page);
  await rotate.getByRole("button", { name: "Rotate credential" }).click();
  await expectToast(page, `Agent "${name}" has a new credential`);
  const second = (await page.getByTestId("agent-credential").textContent())!.trim();
  expect(second).toMatch(/^agt_/);
  expect(second).not.toBe(first);
  await page.getByRole("region", { name: "New agent credential" }).getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("agent-credential")).toHaveCount(0);
  expect(await exchanges(first)).toBe(400);
  expect(await exchanges(second)).toBe(200);

  await row.getByRole("button", { name: `Disable ${name}` }).click();
  await page.getByRole("dialog", { name: `Disable agent: "${name}"?` }).getByRole("button", { name: "Disable agent" }).click();
  await expectToast(page, `Agent "${name}" disabled.`);
  await expect(row.getByText("disabled", { exact: true })).toBeVisible();
  expect(await exchanges(second)).toBe(400);

  // Cancelling keeps the agent; confirming deletes it.
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  const remove = page.getByRole("dialog", { name: `Delete agent: "${name}"?` });
  await expect(remove.getByText("This cannot be undone.")).toBeVisible();
  await expectAccessible(page);
  await remove.getByRole("button", { name: "Cancel" }).click();
  await expect(remove).toHaveCount(0);
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: `Delete ${name}` }).click();
  await remove.getByRole("button", { name: "Delete agent" }).click();
  await expectToast(page, "Agent deleted.");
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
});
