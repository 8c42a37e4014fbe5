/**
 * Every policy-guardian decision, counted per minute by (lane, realm, capability,
 * subject) in memory and added to the store every few seconds, so recording costs a
 * map update on the request path. The console charts these rows.
 */
import type { Logger } from "pino";
import { newId } from "../ids";
import type { Metrics } from "../observability/metrics";
import type { Db } from "../store/client";

export type Lane = "allow" | "review" | "deny";

export interface DecisionKey {
  lane: Lane;
  realm: string;
  capability: string;
  subject: string;
}

export class DecisionRecorder {
  private pending = new Map<string, DecisionKey & { minute: Date; count: number }>();

  constructor(
    private readonly db: Db,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  record(key: DecisionKey): void {
    this.metrics.decisions.inc({ lane: key.lane });
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const id = `${minute}|${key.lane}|${key.realm}|${key.capability}|${key.subject}`;
    const entry = this.pending.get(id);
    if (entry) entry.count++;
    else this.pending.set(id, { ...key, minute: new Date(minute), count: 1 });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      for (const d of batch) {
        await this.db.decisionMinute.upsert({
          where: {
            minute_lane_realm_capability_subject: {
              minute: d.minute,
              lane: d.lane,
              realm: d.realm,
              capability: d.capability,
              subject: d.subject,
            },
          },
          create: { id: newId("dec"), minute: d.minute, lane: d.lane, realm: d.realm, capability: d.capability, subject: d.subject, count: d.count },
          update: { count: { increment: d.count } },
        });
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, "decision counts could not be saved; they stay in /metrics");
    }
  }
}
