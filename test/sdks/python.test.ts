// The Python SDK (sdks/python): installs offline with pip, and `python3 -m unittest`
// passes against a real server on each store.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startServer, STORES, type TestServer } from "../helpers/server";
import { run, SUITE_SERVER_ENV } from "./suite";

describe("Python SDK", () => {
  it("installs with pip --no-build-isolation, offline, with py.typed", async () => {
    const target = mkdtempSync(path.join(tmpdir(), "arcan-pip-"));
    try {
      const result = await run("python3", ["-m", "pip", "install", "--no-index", "--no-build-isolation", "--no-deps", "--target", target, "."], "sdks/python");
      assert.equal(result.code, 0, result.output);
      const files = readdirSync(path.join(target, "arcan"));
      for (const f of ["__init__.py", "_types.py", "py.typed"]) assert.ok(files.includes(f), `installed ${f}`);
      const imported = await run("python3", ["-c", "import arcan; print(arcan.ArcanClient.from_env.__doc__ is not None)"], ".", undefined, { PYTHONPATH: target });
      assert.equal(imported.output.trim(), "True", imported.output);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  for (const store of STORES) {
    describe(`python3 -m unittest against a server (${store})`, () => {
      let server: TestServer;
      before(async () => {
        server = await startServer({ store, env: SUITE_SERVER_ENV });
      });
      after(() => server?.cleanup());

      it("passes", async () => {
        const result = await run("python3", ["-m", "unittest", "-v"], "sdks/python", server, { PYTHONDONTWRITEBYTECODE: "1" });
        assert.equal(result.code, 0, result.output);
        assert.match(result.output, /test_round_trip_with_versions_and_cas \(tests\.test_secrets\.SecretsTest[^)]*\) \.\.\. ok/);
        for (const skipped of result.output.matchAll(/^(test_\w+) \([^)]*\) \.\.\. skipped (['"])(.*)\2$/gm)) console.log(`python: ${skipped[1]} skipped: ${skipped[3]}`);
      });
    });
  }
});
