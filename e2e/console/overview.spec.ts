import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../env";
import { expectAccessible } from "../helpers";

test("overview shows counts, the decision chart with a range selector, and recent audit entries", async ({ page, request }) => {
  // At least one decision on the chart, whichever spec ran before (console page views are not counted).
  expect((await request.get("/api/v1/realms", { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } })).status()).toBe(200);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const counts = page.getByRole("region", { name: "Counts" });
  for (const label of ["Realms", "Secrets", "Active tokens", "Denies today"]) await expect(counts.getByText(label, { exact: true })).toBeVisible();
  await expect(counts.getByText("Active tokens").locator("..").getByText(/^\d+$/)).toBeVisible();

  const chart = page.getByTestId("lane-chart");
  await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
  // One line per lane, not stacked areas: three separate curves, no area fills.
  await expect(chart.locator(".recharts-line")).toHaveCount(3);
  await expect(chart.locator(".recharts-area")).toHaveCount(0);
  const curves = chart.locator("path.recharts-line-curve");
  await expect(curves).toHaveCount(3);
  const paths = await curves.evaluateAll((els) => els.map((e) => e.getAttribute("d") ?? ""));
  expect(new Set(paths).size, "each lane draws its own path").toBeGreaterThan(1);
  await expect(page.getByTestId("lane-chart-window")).toHaveText(/^From .+ to now, one point per \d+ (minutes?|hours?)\.$/);
  await expect(chart.locator(".recharts-legend-item-text", { hasText: "Allow" })).toBeVisible();
  await expect(chart.locator(".recharts-legend-item-text", { hasText: "Deny" })).toBeVisible();

  const range = page.getByRole("radiogroup", { name: "Time range" });
  await expect(range.getByRole("radio", { name: "24 h" })).toHaveAttribute("aria-checked", "true");
  await range.getByRole("radio", { name: "7 d" }).click();
  await expect(range.getByRole("radio", { name: "7 d" })).toHaveAttribute("aria-checked", "true");
  await expect(chart).toHaveAttribute("aria-label", /last 7d/);
  await range.getByRole("radio", { name: "1 h" }).click();
  await expect(chart).toHaveAttribute("aria-label", /last 1h: Allow [1-9]/);

  // The tooltip reads "Allow: 36" under a formatted time, not a raw ISO string.
  const box = await chart.locator(".recharts-wrapper").first().boundingBox();
  if (!box) throw new Error("chart has no box");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  await page.mouse.move(box.x + box.width - 40, box.y + box.height / 3, { steps: 8 });
  const tip = chart.locator(".recharts-tooltip-wrapper");
  await expect(tip).toContainText(/Allow: \d+/);
  await expect(tip).toContainText(/Deny: \d+/);
  await expect(tip).not.toContainText(/\d{4}-\d{2}-\d{2}T/);
  if (process.env.ARCAN_E2E_SCREENS) await chart.screenshot({ path: `${process.env.ARCAN_E2E_SCREENS}/overview-chart-1h.png` });

  await expect(page.getByRole("table", { name: "Recent audit entries" }).getByRole("row").nth(1)).toBeVisible();
  await expectAccessible(page);
});

test("every navigation link is there, named as the issue says, and each page passes axe", async ({ page }) => {
  // Nine pages, each with a full axe run: more than the default 30 s on a 2-core machine.
  test.setTimeout(120_000);
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [label, heading] of [
    ["Realms", "Realms"],
    ["Secrets", "Secrets"],
    ["Tokens", "Tokens"],
    ["Roles", "Roles"],
    ["Audit", "Audit"],
    ["Webhooks", "Webhooks"],
    ["Users", "Users"],
    ["Gateway", "Gateway"],
    ["Overview", "Overview"],
  ]) {
    await nav.getByRole("link", { name: label, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(nav.getByRole("link", { name: label, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
    await expectAccessible(page);
  }
  await page.getByRole("link", { name: "API reference" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /Arcan API/ })).toBeVisible();
  await expectAccessible(page);
});

test("the light theme toggle switches and is remembered", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveClass(/dark/);
  // The button names the theme it switches to: never "Light theme" while light is on.
  await page.getByRole("button", { name: "Light theme" }).click();
  await expect(page.locator("html")).toHaveClass(/light/);
  await expect(page.getByRole("button", { name: "Dark theme" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Light theme" })).toHaveCount(0);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/light/);
  await expect(page.getByRole("button", { name: "Dark theme" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Dark theme" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect(page.getByRole("button", { name: "Light theme" })).toBeVisible();
});
