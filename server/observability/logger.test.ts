// node --import tsx --test server/observability/logger.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { generateToken } from "../crypto/token-format";
import { scrubUrl } from "./logger";

const token = generateToken();
const tokenBody = token.slice(4);

describe("scrubUrl", () => {
  it("redacts the p parameter however its name is spelled", () => {
    for (const name of ["p", "%70", "%50", "P", "p%20", "+p"]) {
      const scrubbed = scrubUrl(`/api/v1/realms?limit=5&${name}=${token}&x=1`);
      assert.equal(scrubbed, `/api/v1/realms?limit=5&${name}=[redacted]&x=1`);
    }
    assert.equal(scrubUrl("/api/v1/realms?p=my-bootstrap-token-of-32-characters!!"), "/api/v1/realms?p=[redacted]");
  });

  it("redacts any parameter or path segment that looks like an arc_, agt_ or oas_ token", () => {
    for (const prefix of ["arc_", "agt_", "oas_"]) {
      const value = prefix + tokenBody;
      assert.equal(scrubUrl(`/a?token=${value}`), "/a?token=[redacted]");
      assert.equal(scrubUrl(`/a?api_key=Bearer%20${encodeURIComponent(value)}`), "/a?api_key=[redacted]");
      assert.equal(scrubUrl(`/a?t=%${prefix.charCodeAt(0).toString(16)}${value.slice(1)}`), "/a?t=[redacted]", "percent-encoded first letter");
      assert.equal(scrubUrl(`/a?${value}`), "/a?[redacted]", "a bare parameter name");
      assert.equal(scrubUrl(`/a/${value}/b`), "/a/[redacted]/b");
    }
  });

  it("leaves ordinary URLs alone", () => {
    for (const url of ["/api/v1/realms", "/api/v1/audit?realm=myapp&limit=10&cursor=42", "/api/v1/realms/myapp/secrets/arc_short", "/x?q=%zz&&a", "/x?"]) assert.equal(scrubUrl(url), url);
  });

  it("never lets a token's body through, whatever surrounds it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom("p", "%70", "token", "key", "x"), fc.boolean(), (noise, name, encode) => {
        const value = encode ? encodeURIComponent(token) : token;
        const url = `/api/v1/realms?${encodeURIComponent(noise)}=1&${name}=${value}&${encodeURIComponent(noise)}`;
        assert.ok(!scrubUrl(url).includes(tokenBody), scrubUrl(url));
      }),
    );
  });
});
