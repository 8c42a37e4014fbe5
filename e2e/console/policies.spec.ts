import { expect, test, type Page } from "@playwright/test";
import { authorize, E2E_BASE_POLICY, ensureBasePolicyEnforced } from "../agent-auth";
import { expectAccessible, expectToast, unique } from "../helpers";

/**
 * The version number of the newest "Draft version N saved." toast other than `previous`'s.
 * Toasts stay for 5 s and share one status region, so the earlier save's toast may still be
 * showing when the next save is clicked.
 */
async function savedVersion(page: Page, previous?: number): Promise<number> {
  const text = previous === undefined ? /Draft version \d+ saved\./ : new RegExp(`Draft version (?!${previous} saved)\\d+ saved\\.`);
  const toast = page.getByRole("status").getByText(text).last();
  await expect(toast).toBeVisible();
  return Number(/Draft version (\d+) saved/.exec((await toast.textContent())!)![1]);
}

test("write a Cedar policy: errors inline and nothing saved, then save, simulate, enforce, edit as a new draft and compare", async ({ page, request }) => {
  // ~25 s alone; the room is for a machine shared with other specs (several axe runs, debounced validation).
  test.setTimeout(60_000);
  // A recorded decision the new rule changes: the enforced version allows nothing of this action, so it is a default deny.
  // (Simulation replays only decisions some version evaluated.)
  await ensureBasePolicyEnforced(request);
  const action = `${unique("sim")}.archive`;
  const rule = `${action}.allow`;
  const before = await authorize(request, {
    principal: { user: { id: "u.olsen", roles: ["finance"], groups: [] }, agent: { id: "pk-93f", name: "invoice-reconciler", trust_tier: 2 }, workload: null },
    action,
    resource: { type: "note", id: "FIN-1" },
  });
  expect([before.decision, before.policy_id]).toEqual(["deny", null]);

  await page.goto("/policies");
  const editor = page.getByRole("region", { name: "Cedar editor" });
  const source = editor.getByLabel("Policy document");
  const status = editor.getByRole("status");
  await expect(status).toHaveText("Valid against the Arcan schema.");

  // A syntax error: the validator's message under the editor, and saving stores nothing.
  const broken = unique("broken");
  await source.fill(`@id("${rule}")\npermit(principal, action == Arcan::Action::"${action}", resource`);
  await expect(status).toHaveText("document: unexpected end of input");
  await expect(source).toHaveAttribute("aria-invalid", "true");
  await editor.getByLabel("Description").fill(broken);
  await editor.getByRole("button", { name: "Save as draft" }).click();
  await expectToast(page, "The policy document does not parse as Cedar.");
  await page.reload();
  await expect(page.getByRole("table", { name: "Policy versions" }).or(page.getByText("No policy versions yet."))).toBeVisible();
  await expect(page.getByRole("cell", { name: broken })).toHaveCount(0);

  // A type error against the published schema names its policy.
  await source.fill(`@id("${rule}")\npermit(principal, action == Arcan::Action::"${action}", resource) when { principal.agent.tier > 1 };`);
  await expect(status).toHaveText(`${rule}: for policy \`${rule}\`, attribute \`agent.tier\` on entity type \`Arcan::Composite\` not found`);

  const valid = `${E2E_BASE_POLICY}\n@id("${rule}")\npermit(principal, action == Arcan::Action::"${action}", resource)\nwhen { principal.agent.trust_tier >= 2 };\n`;
  const description = unique("archive notes");
  await source.fill(valid);
  await expect(status).toHaveText("Valid against the Arcan schema.");
  await expect(source).toHaveAttribute("aria-invalid", "false");
  await editor.getByLabel("Description").fill(description);
  await editor.getByRole("button", { name: "Save as draft" }).click();
  const version = await savedVersion(page);
  const row = page.getByRole("row", { name: new RegExp(description) });
  await expect(row.getByText("draft", { exact: true })).toBeVisible();

  const detail = page.getByRole("region", { name: `Version ${version}`, exact: true });
  await expect(detail.getByLabel(`Source of version ${version}`)).toContainText(`@id("${rule}")`);
  await expect(detail.getByText(`permit ${rule}`)).toBeVisible();
  await expect(detail.getByText("review e2e.notes.share.review")).toBeVisible();
  await detail.getByRole("button", { name: "Validate" }).click();
  await expect(detail.getByRole("status").filter({ hasText: "Valid against the Arcan schema." })).toBeVisible();

  // The simulation replays recorded decisions: ours goes from deny to allow by the new rule.
  await detail.getByRole("button", { name: "Simulate" }).click();
  const simulation = detail.getByRole("region", { name: "Simulation result" });
  await expect(simulation.getByText(new RegExp(`Replayed \\d+ recorded decision\\(s\\) against version ${version}`))).toBeVisible();
  await expect(simulation.getByRole("table", { name: "Changed decisions by lane" }).getByRole("cell", { name: "deny → allow" })).toBeVisible();
  const example = simulation.getByRole("table", { name: "Example decisions that would change" }).getByRole("row", { name: new RegExp(before.decision_id) });
  await expect(example.getByRole("cell", { name: action, exact: true })).toBeVisible();
  await expect(example.getByRole("cell", { name: rule, exact: true })).toBeVisible();
  await expect(simulation.getByRole("figure", { name: /deny->allow \d+/ })).toBeVisible();
  await expectAccessible(page);

  await detail.getByRole("button", { name: "Enforce" }).click();
  const confirm = page.getByRole("dialog", { name: `Enforce version ${version}?` });
  await expect(confirm.getByText("Every decision from now on is made by this version")).toBeVisible();
  await expectAccessible(page);
  await confirm.getByRole("button", { name: "Enforce" }).click();
  await expectToast(page, `Version ${version} is now enforced.`);
  await expect(confirm).toHaveCount(0);
  const after = await authorize(request, { principal: { user: { id: "u.olsen", roles: [], groups: [] }, agent: { id: "pk-93f", name: "invoice-reconciler", trust_tier: 2 }, workload: null }, action, resource: { type: "note", id: "FIN-1" } });
  expect(after.policy_id).toBe(rule);

  // Edit: the version's source in the editor, saved as a new draft; the diff shows the change.
  await detail.getByRole("button", { name: "Edit as new draft" }).click();
  await expect(source).toHaveValue(valid);
  const edited = valid.replace("trust_tier >= 2 };\n", "trust_tier >= 3 };\n");
  await source.fill(edited);
  await expect(status).toHaveText("Valid against the Arcan schema.");
  await editor.getByLabel("Description").fill(`${description} (tier 3)`);
  await editor.getByRole("button", { name: "Save as draft" }).click();
  const next = await savedVersion(page, version);
  expect(next).toBeGreaterThan(version);
  const nextDetail = page.getByRole("region", { name: `Version ${next}`, exact: true });
  const compare = nextDetail.getByLabel("Compare with");
  await compare.selectOption((await compare.locator("option", { hasText: `v${version} (` }).getAttribute("value"))!);
  const diff = nextDetail.getByLabel(`Changes from version ${version} to version ${next}`);
  await expect(diff).toContainText("- when { principal.agent.trust_tier >= 2 };");
  await expect(diff).toContainText("+ when { principal.agent.trust_tier >= 3 };");
  await expectAccessible(page);
});
