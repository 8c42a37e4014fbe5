// The SSRF guard: the address classifier, the URL rules, and refusals end to end (at
// registration, and when the connection is made to a name that resolves to loopback).
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { after, describe, it } from "node:test";
import { blockedReason } from "../../server/webhooks/ssrf";
import { urlProblem, WebhookClient } from "../../server/webhooks/http-client";
import { startServer, type TestServer } from "../helpers/server";

describe("SSRF address classifier", () => {
  const blocked: [string, string][] = [
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.10.10", "link-local"],
    ["169.254.169.254", "cloud metadata"],
    ["100.100.100.200", "cloud metadata"],
    ["100.64.0.1", "shared (carrier-grade NAT)"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456:789a::1", "unique-local"],
    ["fd00:ec2::254", "cloud metadata"],
    ["::ffff:127.0.0.1", "IPv4-mapped"],
    ["::ffff:8.8.8.8", "IPv4-mapped"],
    ["::ffff:7f00:1", "IPv4-mapped"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of cloud metadata"],
    ["ff02::1", "multicast"],
  ];
  for (const [address, reason] of blocked) {
    it(`refuses ${address} (${reason})`, () => assert.equal(blockedReason(address), reason));
  }
  for (const address of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888", "64:ff9b::808:808"]) {
    it(`allows public ${address}`, () => assert.equal(blockedReason(address), null));
  }
});

describe("webhook URL rules", () => {
  it("needs https unless private networks are allowed", () => {
    assert.equal(urlProblem("http://example.com/hook", false), "must use https");
    assert.equal(urlProblem("https://example.com/hook", false), null);
    assert.equal(urlProblem("http://127.0.0.1:9/hook", true), null);
    assert.equal(urlProblem("ftp://example.com/", true), "must use http or https");
  });
  it("refuses private IP literals and credentials in the URL", () => {
    assert.equal(urlProblem("https://10.0.0.1/hook", false), "points to a private address");
    assert.equal(urlProblem("https://[::1]/hook", false), "points to a loopback address");
    assert.equal(urlProblem("https://[::ffff:169.254.169.254]/", false), "points to a IPv4-mapped address");
    assert.equal(urlProblem("https://user:pw@example.com/", false), "must not contain credentials");
  });
  it("refuses at connect time a name that resolves to a blocked address", async () => {
    const client = new WebhookClient({ allowPrivateNetworks: false, timeoutMs: 2_000 });
    try {
      const result = await client.post("https://localhost:9/hook", {}, "{}");
      assert.equal(result.ok, false);
      assert.match(result.error ?? "", /^refused: localhost resolves to (127\.0\.0\.1|::1) \(loopback\)/);
    } finally {
      client.close();
    }
  });
});

describe("SSRF guard end to end (sqlite, private networks not allowed)", () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  const listener = createServer((s) => sockets.push(s.destroy()));
  after(async () => {
    listener.close();
    await server?.cleanup();
  });

  it("refuses loopback at registration, and dead-letters a URL that turned to loopback later without ever connecting", async () => {
    await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
    const { port } = listener.address() as { port: number };
    server = await startServer({ store: "sqlite", env: { ARCAN_WEBHOOKS_RETRY_SCHEDULE: "0.1,0.1" } });
    const literal = await server.request("POST", "/api/v1/webhooks", { body: { url: `https://127.0.0.1:${port}/`, events: ["*"] } });
    assert.equal(literal.status, 400);
    assert.match(literal.body.detail, /loopback/);
    assert.equal((await server.request("POST", "/api/v1/webhooks", { body: { url: `http://localhost:${port}/`, events: ["*"] } })).status, 400);
    const named = await server.request("POST", "/api/v1/webhooks", { body: { url: `https://localhost:${port}/`, events: ["realm.*"] } });
    assert.equal(named.status, 400, "a name that resolves to loopback now is refused at registration too");
    assert.match(named.body.detail, /localhost resolves to .* \(loopback\)/);
    // A name can resolve differently by the time of delivery (DNS rebinding): the row is
    // pointed at localhost behind the API's back, and the connect-time check must hold.
    const created = await server.request("POST", "/api/v1/webhooks", { body: { url: `https://arcan-test-unresolvable.invalid:${port}/`, events: ["realm.*"] } });
    assert.equal(created.status, 201, created.text);
    const db = new Database(path.join(server.dataDir, "arcan.db"));
    db.prepare('UPDATE "WebhookEndpoint" SET "url" = ? WHERE "id" = ?').run(`https://localhost:${port}/`, created.body.id);
    db.close();
    await server.request("POST", "/api/v1/realms", { body: { name: "probe" } });
    const deadline = Date.now() + 10_000;
    let delivery: { state: string; attempts: number; last_error: string } | undefined;
    while (Date.now() < deadline) {
      delivery = (await server.request("GET", `/api/v1/webhooks/${created.body.id}/deliveries`)).body.items[0];
      if (delivery?.state === "dead") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(delivery?.state, "dead");
    assert.equal(delivery.attempts, 3, "checked again on every attempt");
    assert.match(delivery.last_error, /refused: localhost resolves to .* \(loopback\)/);
    assert.equal(sockets.length, 0, "no connection reached the loopback listener");
  });
});
