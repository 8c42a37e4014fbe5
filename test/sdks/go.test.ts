// The Go SDK (sdks/go): gofmt and go vet clean, and `go test ./...` against a real server
// on each store. Standard library only, so no module download is needed (GOPROXY=off).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startServer, STORES, type TestServer } from "../helpers/server";
import { run, SUITE_SERVER_ENV } from "./suite";

const GO_ENV = { GOPROXY: "off", GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" };

describe("Go SDK", () => {
  it("is gofmt-formatted and go vet clean", async () => {
    const fmt = await run("gofmt", ["-l", "."], "sdks/go");
    assert.equal(fmt.code, 0, fmt.output);
    assert.equal(fmt.output.trim(), "", `gofmt would change: ${fmt.output}`);
    const vet = await run("go", ["vet", "./..."], "sdks/go", undefined, GO_ENV);
    assert.equal(vet.code, 0, vet.output);
  });

  for (const store of STORES) {
    describe(`go test against a server (${store})`, () => {
      let server: TestServer;
      before(async () => {
        server = await startServer({ store, env: SUITE_SERVER_ENV });
      });
      after(() => server?.cleanup());

      it("passes", async () => {
        const result = await run("go", ["test", "-count=1", "-v", "./..."], "sdks/go", server, GO_ENV);
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, /--- PASS: TestSecretsRoundTripWithVersionsAndCAS/);
        for (const skipped of result.output.matchAll(/^\s+\w+_test\.go:\d+: ([^\n]+)\n--- SKIP: (\w+)/gm)) console.log(`go: ${skipped[2]} skipped: ${skipped[1]}`);
      });
    });
  }
});
