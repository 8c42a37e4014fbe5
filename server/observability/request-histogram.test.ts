// node --import tsx --test server/observability/request-histogram.test.ts
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Histogram, Registry } from "prom-client";
import { RequestHistogram } from "./request-histogram";

const buckets = [0.001, 0.01, 0.1];
const observations: [string, string, number][] = [
  ["/api/v1/realms/:realm/secrets/:key", "GET", 0.0004],
  ["/api/v1/realms/:realm/secrets/:key", "GET", 0.001],
  ["/api/v1/realms", "POST", 0.05],
  ["/api/v1/realms/:realm/secrets/:key", "GET", 7],
  ['/odd "route"\\', "PUT", 0.01],
];

function both() {
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new RequestHistogram("req_seconds", "Latency.", ["route", "method"] as const, buckets, ours);
  const reference = new Histogram({ name: "req_seconds", help: "Latency.", labelNames: ["route", "method"] as const, buckets, registers: [theirs] });
  for (const [route, method, seconds] of observations) {
    fast.labels(route, method).observe(seconds);
    reference.labels(route, method).observe(seconds);
  }
  return { ours, theirs, fast };
}

describe("RequestHistogram", () => {
  it("writes the same /metrics text and JSON as prom-client's Histogram", async () => {
    const { ours, theirs } = both();
    assert.equal(await ours.metrics(), await theirs.metrics());
    assert.deepEqual(await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON());
  });

  it("refuses a wrong number of label values and a non-finite value, and empties on reset", async () => {
    const { ours, fast } = both();
    assert.throws(() => fast.labels("/only-route"), /expected 2 label values/);
    assert.throws(() => fast.labels("/r", "GET").observe(Number.NaN), TypeError);
    ours.resetMetrics();
    assert.equal(await ours.metrics(), "# HELP req_seconds Latency.\n# TYPE req_seconds histogram\n");
  });
});
