import { expect, test } from "@playwright/test";
import { api, authorize, ensureBasePolicyEnforced, exchangeStsToken, workloadIssuer } from "../agent-auth";
import { expectAccessible, expectToast, signedOutContext, signInAsOperator, unique } from "../helpers";

test("an agent's escalation goes to review; another operator approves it in the console; the same request is then allowed, and its trace names the rule", async ({ page, browser, request }) => {
  // ~15–20 s: two browser sessions and four axe runs on a shared machine.
  test.setTimeout(60_000);
  // The requester: the admin token delegates to a tier-2 agent on an attested pod (JWT-SVID on corp-vpn).
  await ensureBasePolicyEnforced(request);
  const spire = await workloadIssuer(request, "corp-vpn");
  const agent = await api<{ id: string; name: string; credential: string }>(request, "post", "/api/v1/agents", {
    name: unique("pk-93f"),
    trust_tier: 2,
    allowed_scopes: ["e2e.notes.read:note/*", "e2e.notes.share:note/*"],
  });
  const task = unique("share-notes-q3");
  const issued = await exchangeStsToken(request, { credential: agent.credential, scopes: ["e2e.notes.share:note/*"], task, workloadToken: await spire.sign("pod.sre-prod-4") });
  expect(issued.status(), await issued.text()).toBe(200);
  const token = ((await issued.json()) as { access_token: string }).access_token;
  const note = unique("FIN-note");
  const share = { token, action: "e2e.notes.share", resource: { type: "note", id: note } };
  const asked = await authorize(request, share);
  expect([asked.decision, asked.policy_id]).toEqual(["review", "e2e.notes.share.review"]);
  expect(asked.review_id).toMatch(/^rev_/);

  await page.goto("/reviews");
  await page.getByLabel("Show").selectOption("pending");
  const card = page.getByRole("region", { name: `e2e.notes.share on note/${note}` });
  await expect(card.getByText("pending", { exact: true })).toBeVisible();
  for (const shown of [task, "e2e.notes.share.review", `${agent.name} (${agent.id}, tier 2)`, "spiffe://corp/ns/sre/pod.sre-prod-4 on corp-vpn"]) await expect(card.getByText(shown, { exact: true })).toBeVisible();
  await expectAccessible(page);

  // The requester may not approve their own agent's request.
  await card.getByRole("button", { name: `Approve e2e.notes.share on note/${note}` }).click();
  await expectToast(page, "The user an agent acts for may not decide their own review.");
  await expect(card.getByText("pending", { exact: true })).toBeVisible();

  // A reviewer: an operator whose only role holds reviews:decide.
  const reviewer = unique("rita");
  const password = "correct horse battery staple";
  await page.goto("/users");
  const create = page.getByRole("region", { name: "Create an operator" });
  await create.getByLabel("Username").fill(reviewer);
  await create.getByLabel("Password").fill(password);
  await create.getByRole("button", { name: "Create operator" }).click();
  await expectToast(page, `Operator "${reviewer}" created.`);
  const role = unique("reviewer");
  await api(request, "post", "/api/v1/roles", { name: role, capabilities: ["reviews:decide"] });
  await api(request, "post", "/api/v1/bindings", { subject: `user:${reviewer}`, role, realm: "*" });

  const context = await signedOutContext(browser);
  const other = await context.newPage();
  await signInAsOperator(other, reviewer, password);
  await expect(other.getByText(`Signed in as ${reviewer}`)).toBeVisible();
  await other.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews", exact: true }).click();
  const theirs = other.getByRole("region", { name: `e2e.notes.share on note/${note}` });
  await expect(theirs.getByText("pending", { exact: true })).toBeVisible();
  await theirs.getByLabel("Note", { exact: true }).fill("shared with the auditors, ticket FIN-1234");
  await theirs.getByLabel("Approval lasts").selectOption("1h");
  await theirs.getByRole("button", { name: `Approve e2e.notes.share on note/${note}` }).click();
  await expectToast(other, "Approved.");
  await expect(theirs.getByText("approved", { exact: true })).toBeVisible();
  await expect(theirs.getByText(`user:${reviewer}`, { exact: true })).toBeVisible();
  await expect(theirs.getByText("shared with the auditors, ticket FIN-1234", { exact: true })).toBeVisible();
  await expect(theirs.getByRole("button", { name: /^Approve / })).toHaveCount(0);
  await expectAccessible(other);
  await context.close();

  // The requester's agent asks again: allowed, as the approval, for that request only.
  const review = await api<{ state: string; decided_by: string; approved_until: string; decided_at: string }>(request, "get", `/api/v1/reviews/${asked.review_id}`);
  expect([review.state, review.decided_by]).toEqual(["approved", `user:${reviewer}`]);
  expect(Date.parse(review.approved_until) - Date.parse(review.decided_at)).toBeGreaterThan(59 * 60_000);
  const requestId = unique("req-approved");
  const allowed = await authorize(request, share, requestId);
  expect([allowed.decision, allowed.policy_id, allowed.review_id]).toEqual(["allow", `review:${asked.review_id}`, asked.review_id]);
  const elsewhere = await authorize(request, { ...share, resource: { type: "note", id: `${note}-2` } });
  expect(elsewhere.decision).toBe("review");

  // The decision's "why" on the Audit page: the approval, the rule that sent it to review, the token's task and scopes.
  await page.goto("/audit");
  await page.getByLabel("Request ID").fill(requestId);
  await page.getByRole("button", { name: "Search" }).click();
  const entry = page.getByRole("button", { name: /^Details of decision\.evaluate at / });
  await expect(entry).toHaveCount(1);
  await entry.click();
  const why = page.getByRole("region", { name: "Why this decision" });
  await expect(why.getByText("(policy said review; approved in review)")).toBeVisible();
  for (const shown of [`review:${asked.review_id}`, "e2e.notes.share.review", task, "e2e.notes.share:note/*", `note/${note}`]) await expect(why.getByText(shown, { exact: true })).toBeVisible();
  await why.getByRole("button", { name: "Replay against the enforced version" }).click();
  await expect(why.getByRole("status")).toContainText("e2e.notes.share.review");
  await expectAccessible(page);
});
