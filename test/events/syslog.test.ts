// The syslog sink against real UDP and TCP listeners: every audit record as an RFC 5424
// message (octet-counted on TCP), nothing lost while the collector is down, reconnects.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { after, describe, it } from "node:test";
import { formatAuditRecord, octetCounted } from "../../server/syslog/format";
import { startServer, type TestServer } from "../helpers/server";

const RFC5424 = /^<(\d+)>1 (\S+) (\S+) arcan (\d+) (\S+) (\[arcan@32473(?: [a-z_]+="(?:[^"\\\]]|\\["\\\]])*")*\]) \uFEFF(.*)$/s;

interface Parsed {
  pri: number;
  msgId: string;
  sd: string;
  record: { id: string; action: string; request_id: string; outcome: string; realm: string | null };
}

function parse(message: string): Parsed {
  const m = RFC5424.exec(message);
  assert.ok(m, `not RFC 5424: ${message.slice(0, 200)}`);
  return { pri: Number(m[1]), msgId: m[5]!, sd: m[6]!, record: JSON.parse(m[7]!) };
}

/** A TCP collector that splits RFC 6587 octet-counted frames. */
async function tcpCollector(port: number, messages: string[]): Promise<{ stop: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString("ascii"));
        if (buffer.length < space + 1 + length) return;
        messages.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("RFC 5424 formatting", () => {
  it("escapes structured data and frames by octet count", () => {
    const message = formatAuditRecord(
      {
        seq: 7,
        id: "aud_1",
        time: new Date("2026-04-01T12:00:00.000Z"),
        requestId: "req_1",
        actor: 'user:a"b]c\\d',
        action: "secret.write",
        realm: "myapp",
        resource: "secret:K",
        outcome: "denied",
        status: 403,
        capability: "secrets:write",
        reason: "missing capability",
        ip: "127.0.0.1",
        details: '{"version":2}',
        hash: "h",
      },
      "42",
    );
    const parsed = parse(message);
    assert.equal(parsed.pri, 13 * 8 + 4);
    assert.equal(parsed.msgId, "secret.write");
    assert.ok(parsed.sd.includes('actor="user:a\\"b\\]c\\\\d"'), parsed.sd);
    assert.ok(message.startsWith("<108>1 2026-04-01T12:00:00.000Z "));
    const framed = octetCounted("é");
    assert.equal(framed.toString("utf8"), "2 é");
  });
});

describe("syslog sink (sqlite)", () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("sends every audit record over UDP", async () => {
    const messages: string[] = [];
    const socket = dgram.createSocket("udp4");
    socket.on("message", (m) => messages.push(m.toString("utf8")));
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
    cleanups.push(() => {
      socket.close();
    });
    const server: TestServer = await startServer({ store: "sqlite", env: { ARCAN_AUDIT_SYSLOG_ADDRESS: `udp://127.0.0.1:${socket.address().port}` } });
    cleanups.push(() => server.cleanup());
    const res = await server.request("POST", "/api/v1/realms", { body: { name: "logs" } });
    assert.equal(res.status, 201);
    await until(() => messages.some((m) => m.includes(String(res.headers["x-request-id"]))), "the realm.create record");
    const hit = messages.map(parse).find((p) => p.record.request_id === res.headers["x-request-id"])!;
    assert.equal(hit.msgId, "realm.create");
    assert.equal(hit.pri, 13 * 8 + 6);
    assert.equal(hit.record.realm, "logs");
  });

  it("over TCP, sends what was logged while the collector was down, then reconnects after it restarts", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));

    const server = await startServer({ store: "sqlite", env: { ARCAN_AUDIT_SYSLOG_ADDRESS: `tcp://127.0.0.1:${port}` } });
    cleanups.push(() => server.cleanup());
    const early = await server.request("POST", "/api/v1/realms", { body: { name: "early" } });
    assert.equal(early.status, 201);
    await new Promise((r) => setTimeout(r, 700));

    const messages: string[] = [];
    const collector = await tcpCollector(port, messages);
    await until(() => messages.some((m) => m.includes(String(early.headers["x-request-id"]))), "the record logged while the collector was down");

    const audit = await server.request("GET", "/api/v1/audit?limit=500");
    assert.equal(audit.status, 200, audit.text);
    const logged = (audit.body.items as { id: string }[]).map((r) => r.id);
    await until(() => logged.every((id) => messages.some((m) => m.includes(id))), "every audit record");
    const ids = messages.map((m) => parse(m).record.id);
    assert.equal(new Set(ids).size, ids.length, "no record sent twice");

    // The collector goes away and comes back: the sink connects again by itself.
    await collector.stop();
    await new Promise((r) => setTimeout(r, 300));
    const again = await tcpCollector(port, messages);
    cleanups.push(() => again.stop());
    const late = await server.request("POST", "/api/v1/realms", { body: { name: "late" } });
    await until(() => messages.some((m) => m.includes(String(late.headers["x-request-id"]))), "the record after the collector restarted");
  });
});
