import assert from "node:assert/strict";
import { test } from "node:test";
import { crossSiteReason } from "./origin";
import { contentSecurityPolicy, STATIC_SECURITY_HEADERS } from "./security-headers";

const headers = (h: Record<string, string>) => new Headers({ host: "arcan.example:8443", ...h });

test("same-origin mutations pass; cross-site, same-site and origin-less ones are refused", () => {
  assert.equal(crossSiteReason(headers({ origin: "https://arcan.example:8443", "sec-fetch-site": "same-origin" })), null);
  assert.equal(crossSiteReason(headers({ origin: "https://arcan.example:8443" })), null);
  assert.equal(crossSiteReason(headers({ "sec-fetch-site": "same-origin" })), null);
  assert.match(crossSiteReason(headers({ origin: "https://evil.example" }))!, /another site/);
  assert.match(crossSiteReason(headers({ origin: "http://arcan.example:8443" }))!, /another site/);
  assert.match(crossSiteReason(headers({ "sec-fetch-site": "cross-site", origin: "https://arcan.example:8443" }))!, /cross-site/);
  assert.match(crossSiteReason(headers({ "sec-fetch-site": "same-site" }))!, /same-site/);
  assert.match(crossSiteReason(headers({}))!, /no Origin/);
});

test("the CSP forbids framing and inline scripts without the nonce; HSTS lasts at least a year", () => {
  const csp = contentSecurityPolicy("abc", false);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'self' 'nonce-abc' 'strict-dynamic'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.ok(Number(/max-age=(\d+)/.exec(STATIC_SECURITY_HEADERS["Strict-Transport-Security"]!)![1]) >= 31_536_000);
});
