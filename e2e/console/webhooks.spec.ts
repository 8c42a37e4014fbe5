import { expect, test } from "@playwright/test";
import { startReceiver, verifySignatures, type Receiver } from "../../test/events/receiver";
import { E2E_ADMIN_TOKEN } from "../env";
import { createRealm, expectToast, unique } from "../helpers";

// A real HTTP receiver on 127.0.0.1 (the e2e server runs with ARCAN_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true).
let receiver: Receiver;
test.beforeEach(async () => {
  receiver = await startReceiver();
});
test.afterEach(async () => {
  await receiver.close();
});

test("register a webhook, change a secret, and watch the signed event arrive in the live log", async ({ page, context, request }) => {
  // Two deliveries, a failed first attempt and its retry one second later, each watched live.
  test.setTimeout(60_000);
  const realm = unique("hooks");
  const fromRealm = (r: { body: string }) => (JSON.parse(r.body) as { realm: string }).realm === realm;

  await page.goto("/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await page.getByLabel("URL", { exact: true }).fill(receiver.url);
  await page.getByLabel("Events", { exact: true }).fill("secret.set");
  await page.getByRole("button", { name: "Register endpoint" }).click();
  await expectToast(page, "Endpoint registered.");

  // The signing secret is shown once.
  const shown = page.getByTestId("webhook-secret");
  await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const secret = (await shown.textContent())!;
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("cell", { name: receiver.url, exact: true })).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  // Watch only this endpoint's deliveries; the page stays open from here on.
  await page.getByLabel("Endpoint", { exact: true }).selectOption({ label: receiver.url });
  await expect(page.getByTestId("live-status")).toHaveText("● live");
  // The endpoint also gets other tests' secret.set events (other realms), so rows are
  // told apart by what only this test's deliveries show (a 500, a second attempt).
  const rows = page.getByTestId("delivery-row");

  // Change a secret in the console, in a second tab.
  const other = await context.newPage();
  await createRealm(other, realm);
  await other.goto("/secrets");
  await other.getByLabel("Realm", { exact: true }).selectOption(realm);
  await other.getByLabel("Key", { exact: true }).fill("API_KEY");
  await other.getByLabel("Value", { exact: true }).fill("first-value");
  await other.getByRole("button", { name: "Save secret" }).click();
  await expectToast(other, 'Saved "API_KEY" as version 1.');
  await other.close();

  const [hit] = await receiver.waitFor(1, 10_000, fromRealm);
  verifySignatures(secret, hit!);
  const body = JSON.parse(hit!.body) as { event: string; data: Record<string, unknown> };
  expect(body.event).toBe("secret.set");
  expect(body.data).toMatchObject({ key: "API_KEY", version: 1 });
  expect(hit!.body).not.toContain("first-value");

  const delivered = rows.filter({ hasText: "secret.set" }).first();
  await expect(delivered).toBeVisible();
  await expect(delivered.getByRole("cell").nth(3)).toHaveText("1");
  await expect(delivered.getByRole("cell").nth(4)).toHaveText("200");
  await expect(delivered.getByText("delivered")).toBeVisible();

  // Through REST this time, to a receiver that fails the first attempt: the log shows
  // the failure with its next retry, then the retry a second later, still without a reload.
  let failNext = true;
  receiver.respond = (r) => {
    if (!fromRealm(r) || !failNext) return 200;
    failNext = false;
    return 500;
  };
  const put = await request.put(`/api/v1/realms/${realm}/secrets/API_KEY`, {
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    data: { value: "second-value" },
  });
  expect(put.status()).toBe(200);
  const received = await receiver.waitFor(3, 15_000, fromRealm);
  expect(received.slice(1).map((a) => a.status)).toEqual([500, 200]);
  expect(received[1]!.headers["webhook-id"]).toBe(received[2]!.headers["webhook-id"]);
  for (const a of received) verifySignatures(secret, a);

  // One row per message: it shows the newest attempt (the second, 200) and the message's state once.
  const retried = rows.filter({ has: page.getByRole("cell", { name: "2", exact: true }) });
  await expect(retried).toHaveCount(1);
  await expect(retried.getByRole("cell").nth(4)).toHaveText("200");
  await expect(retried.getByText("delivered")).toBeVisible();
  await expect(rows.filter({ has: page.getByRole("cell", { name: "500", exact: true }) })).toHaveCount(0);
  // Its attempts expand below it: the failed first one with its retry time, then the delivered second.
  await retried.getByRole("button", { name: /^Show 2 attempts of secret\.set/ }).click();
  const attempts = page.getByTestId("attempt-row");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(0).getByRole("cell").nth(1)).toHaveText(/attempt 1$/);
  await expect(attempts.nth(0).getByRole("cell").nth(2)).toHaveText("500");
  await expect(attempts.nth(0).getByRole("cell").nth(4)).not.toHaveText("—");
  await expect(attempts.nth(1).getByRole("cell").nth(2)).toHaveText("200");
  await expect(attempts.getByText("delivered")).toHaveCount(0);
  if (process.env.ARCAN_E2E_SCREENS) await page.getByRole("region", { name: "Delivery log" }).screenshot({ path: `${process.env.ARCAN_E2E_SCREENS}/delivery-log-expanded.png` });
  await retried.getByRole("button", { name: /^Hide 2 attempts/ }).click();
  await expect(attempts).toHaveCount(0);
});
