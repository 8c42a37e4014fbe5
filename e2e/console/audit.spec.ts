import { expect, test } from "@playwright/test";
import { createRealm, unique } from "../helpers";

test("what the test did is in the audit log, with the whole record and a verified chain", async ({ page }) => {
  const realm = unique("audited");
  await createRealm(page, realm);

  await page.goto("/audit");
  await expect(page.getByRole("status").filter({ hasText: "Chain verified" })).toBeVisible();
  await page.getByLabel("Action", { exact: true }).fill("realm.create");
  await page.getByLabel("Outcome").selectOption("success");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const entries = page.getByRole("table", { name: "Audit entries" });
  const row = entries.getByRole("row", { name: new RegExp(realm) });
  await expect(row).toBeVisible();
  // The actor is shown by name, with its subject on hover; the actor filter takes that name.
  await expect(row.getByRole("cell", { name: /^bootstrap-admin \(token tok_/ })).toBeVisible();
  await expect(row.locator("[title^='token:tok_']")).toBeVisible();
  await page.getByLabel("Actor", { exact: true }).fill("bootstrap-admin");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(row).toBeVisible();
  await page.getByLabel("Actor", { exact: true }).fill("");

  await row.getByRole("button", { name: /Details of realm.create/ }).click();
  const detail = page.getByLabel("Audit entry details");
  await expect(detail.getByText("allow", { exact: true })).toBeVisible();
  await expect(detail.getByText(/^req_[0-9a-f]{32}$/)).toBeVisible();
  await expect(detail.getByText(/^#\d+$/)).toBeVisible();
  // An allowed entry names the capability its action required, not "—".
  await expect(detail.getByText("realms:write (required by realm.create)")).toBeVisible();
  const requestId = (await detail.getByText(/^req_[0-9a-f]{32}$/).textContent())!;

  // Filtering by request id finds exactly that request's record.
  await page.getByLabel("Action", { exact: true }).fill("");
  await page.getByLabel("Request ID", { exact: true }).fill(requestId);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(entries.getByRole("row")).toHaveCount(2);

  // Sign-ins are audited too, and the time-range filter with an inverted range is caught inline.
  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByLabel("Action", { exact: true }).fill("console.sign_in");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(entries.getByRole("row").nth(1)).toBeVisible();
  await page.getByLabel("From", { exact: true }).fill("2030-01-02T00:00");
  await page.getByLabel("To", { exact: true }).fill("2030-01-01T00:00");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByText("The end is before the start.")).toBeVisible();
});

test("audit pages through older entries", async ({ page }) => {
  await page.goto("/audit");
  const entries = page.getByRole("table", { name: "Audit entries" });
  await expect(entries.getByRole("row").nth(1)).toBeVisible();
  const older = page.getByRole("button", { name: "Older" });
  if (await older.isEnabled()) {
    const firstBefore = await entries.getByRole("row").nth(1).textContent();
    await older.click();
    await expect(page.getByText("Page 2")).toBeVisible();
    await expect(entries.getByRole("row").nth(1)).not.toHaveText(firstBefore!);
    await page.getByRole("button", { name: "Newer" }).click();
    await expect(page.getByText("Page 1")).toBeVisible();
  }
});
