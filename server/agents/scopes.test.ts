import assert from "node:assert/strict";
import { test } from "node:test";
import { scopeCovers } from "./scopes";

test("an exact scope covers only its own action and resource", () => {
  assert.equal(scopeCovers("jira.read:project/FIN-OPS", "jira.read", "project/FIN-OPS"), true);
  assert.equal(scopeCovers("jira.read:project/FIN-OPS", "jira.read", "project/FIN-OPS2"), false);
  assert.equal(scopeCovers("jira.read:project/FIN-OPS", "jira.write", "project/FIN-OPS"), false);
});

test("a trailing * matches any rest, and nothing before it", () => {
  assert.equal(scopeCovers("jira.read:project/FIN-*", "jira.read", "project/FIN-OPS"), true);
  assert.equal(scopeCovers("jira.read:project/FIN-*", "jira.read", "project/HR-1"), false);
  assert.equal(scopeCovers("jira.read:project/FIN-*", "jira.readall", "project/FIN-OPS"), false);
  assert.equal(scopeCovers("jira.*", "jira.write", "issue/FIN-1"), true);
  assert.equal(scopeCovers("jira.*", "confluence.write", "space/FIN"), false);
});
