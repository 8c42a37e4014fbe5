/** The console overview of policy decisions: lane counts over time, most denied, headline counts. */
import type { AccessGuard } from "../access/guard";
import { auditSuccess, type AuditWriter } from "../audit/writer";
import type { Actor } from "../rbac/principal";
import type { Db } from "../store/client";
import { decisionOverview } from "./queries";
import type { DecisionRecorder } from "./recorder";
import { decisionOps as ops, type Overview, type Range } from "./schemas";

export interface DecisionOverviewDeps {
  db: Db;
  access: Pick<AccessGuard, "require">;
  audit: Pick<AuditWriter, "append">;
  recorder: Pick<DecisionRecorder, "flush">;
}

export class DecisionOverviewService {
  constructor(private readonly deps: DecisionOverviewDeps) {}

  async overview(actor: Actor, range: Range): Promise<Overview> {
    await this.deps.access.require(actor, ops.overview.capability, ops.overview.action);
    // Counts recorded in the last few seconds are still in memory; add them first.
    await this.deps.recorder.flush();
    const overview = await decisionOverview(this.deps.db, range);
    await auditSuccess(this.deps.audit, actor, ops.overview.action, { details: { range } });
    return overview;
  }
}
