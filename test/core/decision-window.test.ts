import assert from "node:assert/strict";
import { test } from "node:test";
import { fitWindow } from "../../server/decisions/queries";

const now = new Date("2026-12-02T10:17:30Z");
const MIN = 60_000;

test("a range with decisions from its start keeps its full span and buckets", () => {
  const w = fitWindow("24h", now.getTime() - 20 * 3_600_000, now);
  assert.equal(w.bucketMs, 30 * MIN);
  assert.equal(w.end - w.start, 86_400_000);
  const none = fitWindow("24h", undefined, now);
  assert.equal(none.end - none.start, 86_400_000);
});

test("on a fresh install the 24 h series covers only the time since the first decision, in finer buckets", () => {
  const w = fitWindow("24h", now.getTime() - 10 * MIN, now);
  assert.equal(w.bucketMs, MIN);
  assert.ok((w.end - w.start) / w.bucketMs >= 12, "at least 12 points");
  assert.ok(w.start < now.getTime() - 10 * MIN, "starts before the first decision");
  assert.ok(w.end > now.getTime());

  const twoHours = fitWindow("24h", now.getTime() - 2 * 3_600_000, now);
  assert.equal(twoHours.bucketMs, 5 * MIN);
  assert.ok(twoHours.start <= now.getTime() - 2 * 3_600_000);
  assert.ok((twoHours.end - twoHours.start) / twoHours.bucketMs <= 30);
});

test("a fitted window never exceeds the range or uses coarser buckets than it", () => {
  const w = fitWindow("1h", now.getTime() - 5 * MIN, now);
  assert.equal(w.bucketMs, MIN);
  assert.ok(w.end - w.start <= 3_600_000);
  const week = fitWindow("7d", now.getTime() - 30 * 3_600_000, now);
  assert.ok(week.bucketMs <= 6 * 60 * MIN);
  assert.ok(week.start <= now.getTime() - 30 * 3_600_000);
});
