import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTION_EVENTS, actionCapabilities } from "../../server/audit/action-names";
import { EVENT_TYPES } from "../../server/events/types";

test("every audited action maps to the capability its operation requires", () => {
  const map = actionCapabilities();
  assert.equal(map["secret.write"], "secrets:write");
  assert.equal(map["realm.create"], "realms:write");
  assert.equal(map["token.delete"], "tokens:revoke");
  assert.equal(map["role.update"], "roles:write");
});

test("the audit action and event names shown side by side are both real names", () => {
  const map = actionCapabilities();
  for (const [action, event] of Object.entries(ACTION_EVENTS)) {
    assert.ok(action in map, `${action} is an audit action`);
    assert.ok((EVENT_TYPES as readonly string[]).includes(event), `${event} is an event`);
  }
});
