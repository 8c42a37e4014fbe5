/** Contract module for Cedar policy versions: wire shapes and the operations table. */
import { z } from "zod";

export const policyOps = {
  list: { capability: "policies:read", action: "policy.list" },
  get: { capability: "policies:read", action: "policy.read" },
  schema: { capability: "policies:read", action: "policy.schema" },
  create: { capability: "policies:write", action: "policy.create" },
  validate: { capability: "policies:read", action: "policy.validate" },
  simulate: { capability: "policies:write", action: "policy.simulate" },
  activate: { capability: "policies:write", action: "policy.activate" },
  shadow: { capability: "policies:read", action: "policy.shadow" },
} as const;

export const DEFAULT_SIMULATION_LIMIT = 1000;
export const MAX_POLICY_SOURCE = 256 * 1024;
export const POLICY_STATES = ["draft", "enforced", "shadow", "retired"] as const;
export const ACTIVATION_MODES = ["enforce", "shadow"] as const;
export const LANES = ["allow", "review", "deny"] as const;

export const ZPolicyId = z.string().regex(/^pol_[0-9a-f]{32}$/, "a policy version id (pol_…)");
export const ZPolicyParams = z.strictObject({ id: ZPolicyId });

const EXAMPLE_SOURCE = '@id("jira_finance.allow")\npermit(principal, action == Arcan::Action::"jira.read", resource)\nwhen { principal.user.roles.contains("finance") && resource.type == "project" && resource.id like "FIN-*" };';

export const ZPolicyVersion = z
  .object({
    id: z.string(),
    version: z.number().int().describe("1, 2, … in creation order; never reused"),
    state: z.enum(POLICY_STATES),
    description: z.string(),
    source: z.string().describe("The Cedar document (immutable)"),
    rules: z.array(z.object({ id: z.string(), effect: z.enum(["permit", "forbid"]), lane: z.enum(["review"]).nullable(), reason: z.string().nullable() })),
    created_by: z.string(),
    created_at: z.string(),
    activated_at: z.string().nullable(),
  })
  .meta({
    id: "PolicyVersion",
    examples: [
      {
        id: "pol_0190f3a1b2c34d5e6f708192a3b4c5d6",
        version: 42,
        state: "enforced",
        description: "Finance may read FIN projects",
        source: EXAMPLE_SOURCE,
        rules: [{ id: "jira_finance.allow", effect: "permit", lane: null, reason: null }],
        created_by: "user:alice",
        created_at: "2026-11-22T10:00:00.000Z",
        activated_at: "2026-11-22T10:05:00.000Z",
      },
    ],
  });
export type PolicyVersionView = z.output<typeof ZPolicyVersion>;

export const ZPolicyList = z.object({ items: z.array(ZPolicyVersion), next_cursor: z.string().nullable() }).meta({ id: "PolicyVersionList" });

export const ZCreatePolicy = z
  .strictObject({ source: z.string().min(1).max(MAX_POLICY_SOURCE), description: z.string().max(500).optional() })
  .meta({ id: "CreatePolicyRequest", examples: [{ source: EXAMPLE_SOURCE, description: "Finance may read FIN projects" }] });
export type CreatePolicyInput = z.output<typeof ZCreatePolicy>;

export const ZValidationIssue = z.object({ policy_id: z.string().nullable().describe("The rule's @id; null for document-level errors"), message: z.string() });
export const ZValidation = z.object({ valid: z.boolean(), errors: z.array(ZValidationIssue) }).meta({ id: "PolicyValidation" });
export type ValidationView = z.output<typeof ZValidation>;

/** For the console's editor: validate a text before it becomes a version. */
export const ZValidateSource = z.strictObject({ source: z.string().max(MAX_POLICY_SOURCE) });

const ZTime = z.iso.datetime({ offset: true });
export const ZSimulate = z
  .strictObject({
    from: ZTime.optional().describe("Replay decisions recorded at or after this time"),
    to: ZTime.optional().describe("… and before this time"),
    limit: z.number().int().min(1).max(10_000).optional().describe("Most recent decisions to replay (default 1000)"),
  })
  .meta({ id: "SimulatePolicyRequest" });
export type SimulateInput = z.output<typeof ZSimulate>;

export const ZDeltaExample = z.object({
  decision_id: z.string(),
  before: z.enum(LANES),
  after: z.enum(LANES),
  policy_id_before: z.string().nullable(),
  policy_id_after: z.string().nullable(),
  action: z.string(),
  resource: z.string(),
});
export const ZSimulation = z
  .object({
    policy_id: z.string(),
    version: z.number().int(),
    replayed: z.number().int(),
    changed: z.number().int(),
    deltas: z.record(z.string(), z.number().int()).describe('Changed decisions by "before->after"'),
    examples: z.array(ZDeltaExample),
  })
  .meta({
    id: "PolicySimulation",
    examples: [
      {
        policy_id: "pol_0190f3a1b2c34d5e6f708192a3b4c5d6",
        version: 43,
        replayed: 120,
        changed: 3,
        deltas: { "allow->deny": 3 },
        examples: [{ decision_id: "dec_0190f3a1b2c34d5e6f708192a3b4c5d7", before: "allow", after: "deny", policy_id_before: "jira_finance.allow", policy_id_after: "fin.freeze", action: "jira.read", resource: "project/FIN-OPS" }],
      },
    ],
  });
export type SimulationView = z.output<typeof ZSimulation>;

export const ZActivate = z.strictObject({ mode: z.enum(ACTIVATION_MODES).optional().describe("Default enforce") }).meta({ id: "ActivatePolicyRequest", examples: [{ mode: "shadow" }] });

export const ZShadowReport = z
  .object({
    policy_id: z.string(),
    version: z.number().int(),
    state: z.enum(POLICY_STATES),
    evaluated: z.number().int().describe("Decisions this version was evaluated beside the enforced one"),
    disagreements: z.number().int(),
    deltas: z.record(z.string(), z.number().int()).describe('Disagreements by "enforced->shadow"'),
    items: z.array(
      z.object({ decision_id: z.string(), time: z.string(), action: z.string(), resource: z.string(), enforced: z.enum(LANES), shadow: z.enum(LANES), policy_id_enforced: z.string().nullable(), policy_id_shadow: z.string().nullable() }),
    ),
  })
  .meta({ id: "PolicyShadowReport" });
export type ShadowReportView = z.output<typeof ZShadowReport>;

export const ZPolicySchema = z.object({ format: z.literal("cedar"), schema: z.string() }).meta({ id: "PolicySchema" });
