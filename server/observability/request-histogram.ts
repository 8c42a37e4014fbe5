/**
 * A labelled histogram for the per-request latency: prom-client's Histogram re-checks and
 * hashes a child's labels on every observe (about 1 µs on the secret-read path); here a
 * child holds its own bucket counts. /metrics reads it through the same registry, with
 * the same lines as prom-client's Histogram (series in first-observed order, `le` first).
 */
import type { Registry } from "prom-client";

interface Series {
  labels: Record<string, string>;
  /** Per bucket, not cumulative; the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export interface HistogramChild {
  observe(value: number): void;
}

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  /** Always present, as in prom-client's values: null for buckets, undefined for _sum and _count. */
  exemplar: null | undefined;
}

export class RequestHistogram<L extends string> {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The child for these label values (in labelNames order); a series appears in /metrics once observed. */
  labels(...values: string[]): HistogramChild {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    const key = JSON.stringify(values);
    const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]!]));
    const bounds = this.upperBounds;
    return {
      observe: (value) => {
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        let s = this.series.get(key);
        if (!s) this.series.set(key, (s = { labels, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }));
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        s.counts[i]!++;
        s.sum += value;
        s.count++;
      },
    };
  }

  /** What the registry formats for /metrics. */
  getForPromString(): { name: string; help: string; type: string; values: ExportedValue[]; aggregator: string } {
    const values: ExportedValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        values.push({ labels: { le: bound }, sharedLabels: s.labels, value: cumulative, metricName: `${this.name}_bucket`, exemplar: null });
      });
      values.push(
        { labels: { le: "+Inf" }, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_bucket`, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count`, exemplar: undefined },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form (registry.getMetricsAsJSON): each value's labels in one object. */
  get(): { name: string; help: string; type: string; values: Omit<ExportedValue, "sharedLabels">[]; aggregator: string } {
    const data = this.getForPromString();
    return { ...data, values: data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) };
  }

  reset(): void {
    this.series.clear();
  }
}
