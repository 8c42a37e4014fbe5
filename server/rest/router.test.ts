// node --import tsx --test server/rest/router.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError } from "../errors";
import { Router } from "./router";

const routes = [
  { method: "GET", path: "/api/v1/realms", name: "list" },
  { method: "POST", path: "/api/v1/realms", name: "create" },
  { method: "GET", path: "/api/v1/realms/:realm/secrets/:key", name: "get" },
  { method: "GET", path: "/api/v1/realms/:realm/secrets/:key/versions", name: "versions" },
  { method: "POST", path: "/api/v1/auth/tokens/revoke-all", name: "revokeAll" },
  { method: "GET", path: "/api/v1/auth/tokens/:id", name: "token" },
  { method: "GET", path: "/api/v1/openapi.json", name: "openapi" },
];

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    return `${err.kind}/${err.code}`;
  }
  return "matched";
}

describe("Router", () => {
  const router = new Router(routes);

  it("matches method and path and decodes parameters", () => {
    const m = router.match("GET", "/api/v1/realms/prod/secrets/db%2Fpass");
    assert.equal(m.route.name, "get");
    assert.deepEqual(m.params, { realm: "prod", key: "db/pass" });
    assert.equal(router.match("GET", "/api/v1/realms/prod/secrets/k/versions").route.name, "versions");
    assert.equal(router.match("POST", "/api/v1/realms").route.name, "create");
    assert.equal(router.match("HEAD", "/api/v1/realms").route.name, "list", "HEAD is served by GET");
  });

  it("prefers a literal route listed before a parameter route", () => {
    assert.equal(router.match("POST", "/api/v1/auth/tokens/revoke-all").route.name, "revokeAll");
    assert.equal(router.match("GET", "/api/v1/auth/tokens/tok_1").params.id, "tok_1");
  });

  it("answers 405 when only the method differs and 404 otherwise", () => {
    assert.equal(kindOf(() => router.match("DELETE", "/api/v1/realms")), "method_not_allowed/method_not_allowed");
    assert.equal(kindOf(() => router.match("GET", "/api/v1/nothing")), "not_found/route_not_found");
    assert.equal(kindOf(() => router.match("GET", "/api/v1/realms/")), "not_found/route_not_found");
    assert.equal(kindOf(() => router.match("GET", "/api/v1/realms/a/secrets/")), "not_found/route_not_found");
    assert.equal(kindOf(() => router.match("GET", "/api/v1/realms/a/b/secrets/k")), "not_found/route_not_found", "a parameter never spans a slash");
  });

  it("treats dots in paths literally and refuses bad percent-encoding as 400", () => {
    assert.equal(router.match("GET", "/api/v1/openapi.json").route.name, "openapi");
    assert.equal(kindOf(() => router.match("GET", "/api/v1/openapiXjson")), "not_found/route_not_found");
    assert.equal(kindOf(() => router.match("GET", "/api/v1/realms/%E0%A4%A/secrets/k")), "invalid_input/invalid_input");
  });
});
