// The Gateway page's procedures (tRPC, as the console calls them with a session cookie) on
// the same GatewayService and schemas as REST: create, list (credential source, never a
// value), the same 400 naming the field, 409 on a duplicate, delete, recent requests.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startConsoleHarness, type ConsoleHarness } from "../helpers/console";

describe("console Gateway procedures", () => {
  let h: ConsoleHarness;
  const route = {
    name: "billing",
    upstream: "https://billing.example.com",
    action: "billing.{method}",
    resource: { type: "endpoint", id: "{path}" },
    inject: { header: "X-Api-Key", secret: { realm: "myapp", key: "BILLING_API_KEY" } },
  };
  before(async () => {
    h = await startConsoleHarness("sqlite");
  });
  after(() => h.close());

  it("creates, lists and deletes a route; the list names the credential source", async () => {
    const created = await h.mutation("gateway.create", route);
    assert.equal(created.status, 200, JSON.stringify(created.error));
    assert.deepEqual([created.data.credential_source, created.data.inject.format], ["secret:myapp/BILLING_API_KEY", "{{value}}"]);
    const list = await h.query("gateway.list");
    assert.deepEqual(
      list.data.items.map((r: { name: string; credential_source: string }) => [r.name, r.credential_source]),
      [["billing", "secret:myapp/BILLING_API_KEY"]],
    );
    const dup = await h.mutation("gateway.create", route);
    assert.equal(dup.error?.data?.httpStatus, 409);
    const bad = await h.mutation("gateway.create", { ...route, name: "other", inject: { header: "X-Api-Key", format: "no placeholder", secret: route.inject.secret } });
    assert.equal(bad.error?.data?.httpStatus, 400);
    assert.ok(bad.error.data.issues.some((i: { field: string }) => i.field === "inject.format"), JSON.stringify(bad.error));
    const requests = await h.query("gateway.requests", { limit: 10 });
    assert.deepEqual(requests.data.items, []);
    assert.equal((await h.mutation("gateway.delete", { name: "billing" })).status, 200);
    assert.deepEqual((await h.query("gateway.list")).data.items, []);
  });
});
