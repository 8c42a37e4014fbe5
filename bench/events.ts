/**
 * npm run bench:events — the events pipeline under load: 1,000 events/s for 30 s, written
 * through the outbox every 10 ms (the events due then share one commit, as concurrent
 * requests share the audit log's group commit), delivered by the
 * real dispatcher over HTTP to a receiver (a child process) that fails 1% of requests.
 * Prints delivered/s, enqueue-to-delivery p50/p99, duplicates, retry-timing error and the
 * CPU time this process used. A warm-up at the same rate comes first (the first second of
 * a fresh process runs cold code and opens connections); its events are left out of the figures.
 *
 *   BENCH_RATE=1000 BENCH_SECONDS=30 BENCH_WARMUP_SECONDS=3 BENCH_DATABASE_URL=postgres://… (default: SQLite)
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { LocalKeyFileKms } from "../server/crypto/kms";
import { Outbox } from "../server/events/outbox";
import { newId } from "../server/ids";
import { openStore } from "../server/store/client";
import { signingKeyContext, WebhookDispatcher } from "../server/webhooks/dispatcher";
import { generateSigningKey } from "../server/webhooks/signing";

interface Hit {
  id: string;
  enqueuedAt: number;
  at: number;
  ok: boolean;
}

const FAIL_RATE = 0.01;

function runReceiver(): void {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { timestamp: string };
      const ok = Math.random() >= FAIL_RATE;
      hits.push({ id: String(req.headers["webhook-id"]), enqueuedAt: Date.parse(body.timestamp), at, ok });
      res.writeHead(ok ? 200 : 500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as { port: number }).port }));
  // Never outlive the benchmark, whichever way it ends.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: string) => {
    if (m === "report") process.send!({ hits }, () => process.exit(0));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const rate = Number(process.env.BENCH_RATE ?? 1000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
  const schedule = [1, 5, 30];
  const dataDir = mkdtempSync(path.join(tmpdir(), "arcan-bench-events-"));
  const receiver = fork(fileURLToPath(import.meta.url), ["--receiver"], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((resolve) => receiver.once("message", (m: { port: number }) => resolve(m.port)));

  const store = await openStore({ dataDir, ...(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL } : {}) });
  const kms = LocalKeyFileKms.inDataDir(dataDir);
  kms.load();
  const endpointId = newId("whk");
  await store.db.webhookEndpoint.create({
    data: {
      id: endpointId,
      url: `http://127.0.0.1:${port}/hook`,
      events: JSON.stringify(["secret.*"]),
      secretWrapped: await kms.wrap(generateSigningKey(), signingKeyContext(endpointId)),
      kekId: kms.keyId,
      createdBy: "bench",
    },
  });
  const outbox = new Outbox(store.db);
  const logger = pino({ level: "warn" });
  const dispatcher = new WebhookDispatcher(store.db, store.provider, kms, outbox, logger, { retrySchedule: schedule, allowPrivateNetworks: true });
  dispatcher.start();

  const source = { requestId: "req_bench", principal: { subject: "bench" } };
  const total = rate * seconds;
  // The generator keeps to the rate without waiting for earlier commits (a few may be in
  // flight at once), like independent requests.
  const generate = (count: number, prefix: string) => {
    const from = Date.now();
    let sent = 0;
    let inFlight = 0;
    return new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(count, Math.floor(((Date.now() - from) / 1000) * rate));
        if (sent < due && inFlight < 8) {
          const first = sent;
          sent = due;
          inFlight++;
          void outbox
            .transaction(source, async (_tx, emit) => {
              for (let n = first; n < due; n++) emit("secret.set", { realm: "bench", data: { key: `${prefix}${n}`, version: 1 } });
            })
            .finally(() => inFlight--);
        }
        if (sent >= count && inFlight === 0) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
  };
  process.stderr.write(`bench:events: ${rate} events/s for ${seconds} s (after ${warmupSeconds} s of warm-up) into a receiver failing ${FAIL_RATE * 100}% (store: ${store.provider})\n`);
  await generate(rate * warmupSeconds, "W");
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  await generate(total, "K");
  const enqueueSeconds = (Date.now() - started) / 1000;
  const cpuDuringRun = process.cpuUsage(cpuAtStart);

  // Let retries finish (the third retry waits 30 s), but not forever.
  const deadline = Date.now() + 45_000;
  for (;;) {
    const pending = await store.db.webhookDelivery.count({ where: { state: "pending" } });
    const fanned = await store.db.outboxEvent.count({ where: { fannedOut: false } });
    if ((pending === 0 && fanned === 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await dispatcher.stop();

  receiver.send("report");
  const { hits } = await new Promise<{ hits: Hit[] }>((resolve) =>
    receiver.on("message", (m: { hits?: Hit[] }) => {
      if (m.hits) resolve({ hits: m.hits });
    }),
  );

  // Events enqueued during the warm-up carry earlier timestamps.
  const measured = hits.filter((h) => h.enqueuedAt >= started);
  const okHits = measured.filter((h) => h.ok);
  const deliveredIds = new Map<string, number>();
  for (const h of okHits) deliveredIds.set(h.id, (deliveredIds.get(h.id) ?? 0) + 1);
  const duplicates = [...deliveredIds.values()].filter((n) => n > 1).length;
  const firstOk = new Map<string, Hit>();
  for (const h of okHits) if (!firstOk.has(h.id)) firstOk.set(h.id, h);
  const latencies = [...firstOk.values()].map((h) => h.at - h.enqueuedAt).sort((a, b) => a - b);
  const retried = new Set(measured.filter((h) => !h.ok).map((h) => h.id));
  const firstTry = [...firstOk.values()].filter((h) => !retried.has(h.id)).map((h) => h.at - h.enqueuedAt).sort((a, b) => a - b);
  const inWindow = okHits.filter((h) => h.at - started <= enqueueSeconds * 1000);

  // Retry timing: the wait between the end of a failed attempt and the next one, against the schedule.
  const attempts = await store.db.webhookAttempt.findMany({ orderBy: [{ deliveryId: "asc" }, { attempt: "asc" }] });
  const errors: number[] = [];
  for (let i = 1; i < attempts.length; i++) {
    const prev = attempts[i - 1]!;
    const cur = attempts[i]!;
    if (prev.deliveryId !== cur.deliveryId) continue;
    const wanted = schedule[prev.attempt - 1]! * 1000;
    errors.push(cur.startedAt.getTime() - (prev.startedAt.getTime() + prev.latencyMs) - wanted);
  }
  const absErrors = errors.map(Math.abs).sort((a, b) => a - b);
  const dead = await store.db.webhookDelivery.count({ where: { state: "dead" } });
  const pendingLeft = await store.db.webhookDelivery.count({ where: { state: "pending" } });
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });

  const lines = [
    `events enqueued:            ${total} in ${enqueueSeconds.toFixed(1)} s (${(total / enqueueSeconds).toFixed(0)}/s)`,
    `delivered (2xx, unique):    ${deliveredIds.size} of ${total}; dead ${dead}, still pending ${pendingLeft}`,
    `delivered per second:       ${(inWindow.length / enqueueSeconds).toFixed(0)}/s during the run`,
    `enqueue-to-delivery:        p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms (all)`,
    `  first-attempt successes:  p50 ${percentile(firstTry, 50)} ms, p99 ${percentile(firstTry, 99)} ms`,
    `receiver failures (500):    ${measured.length - okHits.length} (retried deliveries ${retried.size})`,
    `duplicates (2xx twice):     ${duplicates}`,
    `CPU of this process:        ${((cpuDuringRun.user + cpuDuringRun.system) / 1e6).toFixed(1)} s in the ${enqueueSeconds.toFixed(1)} s run (user ${(cpuDuringRun.user / 1e6).toFixed(1)} s, system ${(cpuDuringRun.system / 1e6).toFixed(1)} s; the receiver is another process)`,
    `retry-timing error:         ${errors.length} retries, |error| p50 ${percentile(absErrors, 50)} ms, p99 ${percentile(absErrors, 99)} ms, max ${absErrors[absErrors.length - 1] ?? NaN} ms`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

if (!process.argv.includes("--receiver")) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:events failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
} else {
  runReceiver();
}
