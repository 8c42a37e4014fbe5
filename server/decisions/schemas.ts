/** Contract module for agent authorization decisions: POST /api/v1/authorize, the decision log, replay. */
import { z } from "zod";
import { LANES } from "../policies/schemas";
import { DECISION_AUDIT_ACTION } from "../store/decision-rows";

export const decisionOps = {
  authorize: { capability: "decisions:evaluate", action: DECISION_AUDIT_ACTION },
  /** The console overview counts every realm's decisions, so it needs audit:read in every realm. */
  overview: { capability: "audit:read", action: "decisions.overview" },
  get: { capability: "audit:read", action: "decision.read" },
  replay: { capability: "audit:read", action: "decision.replay" },
} as const;

/** Reasons the server gives before or instead of a policy's own @reason. */
export const DENY_REASONS = {
  tokenInvalid: "token_invalid",
  outsideTaskScope: "outside_task_scope",
  noPolicyActive: "no_policy_active",
} as const;

const ZJsonObject = z.record(z.string(), z.unknown());

export const ZUser = z.looseObject({
  id: z.string().min(1).max(256),
  email: z.string().max(320).optional(),
  roles: z.array(z.string().max(200)).max(200).optional(),
  groups: z.array(z.string().max(200)).max(200).optional(),
});
export const ZAgent = z.object({ id: z.string().min(1).max(256), name: z.string().max(200).optional(), trust_tier: z.number().int().min(0).max(3).optional().describe("Default 0") });
export const ZWorkload = z.object({
  sub: z.string().min(1).max(512),
  issuer: z.string().max(512).optional(),
  network: z.string().max(200).nullable().optional(),
  attested: z.boolean().optional().describe("Whether an attestation was verified (default false; always true for STS tokens)"),
});

export const ZPrincipalInput = z
  .strictObject({ user: ZUser, agent: ZAgent, workload: ZWorkload.nullable().optional() })
  .describe("The composite identity, asserted by the enforcement point (instead of a token)");

export const ZResource = z.strictObject({
  type: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, '_', '.' and '-', 1 to 64 characters"),
  id: z.string().min(1).max(1024),
  attributes: ZJsonObject.optional(),
});

export const ZAuthorizeRequest = z
  .strictObject({
    token: z.string().min(1).max(16_384).optional().describe("An STS access token (JWT)"),
    principal: ZPrincipalInput.optional(),
    action: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "letters, digits, '_', '.', ':' and '-', 1 to 128 characters"),
    resource: ZResource,
    context: ZJsonObject.optional(),
  })
  .refine((b) => (b.token === undefined) !== (b.principal === undefined), { message: "send exactly one of token and principal", path: ["token"] })
  .meta({
    id: "AuthorizeRequest",
    examples: [{ token: "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9…", action: "jira.read", resource: { type: "project", id: "FIN-OPS", attributes: {} }, context: {} }],
  });
export type AuthorizeInput = z.output<typeof ZAuthorizeRequest>;

export const ZAuthorizeResponse = z
  .object({
    decision: z.enum(LANES),
    decision_id: z.string(),
    policy_id: z.string().nullable().describe('The determining rule (@id), "review:<id>" after an approval, null for default deny'),
    policy_version: z.number().int().nullable(),
    reasons: z.array(z.string()),
    review_id: z.string().optional(),
    evaluated_in_us: z.number().int(),
  })
  .meta({
    id: "AuthorizeResponse",
    examples: [{ decision: "allow", decision_id: "dec_0190f3a1b2c34d5e6f708192a3b4c5d6", policy_id: "jira_finance.allow", policy_version: 42, reasons: ["matched jira_finance.allow"], evaluated_in_us: 61 }],
  });
export type AuthorizeView = z.output<typeof ZAuthorizeResponse>;

export const ZDecisionId = z.strictObject({ id: z.string().regex(/^dec_[0-9a-f]{32}$/, "a decision id (dec_…)") });

export const ZComposite = z.object({
  user: ZJsonObject,
  agent: z.object({ id: z.string(), name: z.string(), trust_tier: z.number().int() }),
  workload: z.object({ sub: z.string(), issuer: z.string(), attested: z.boolean(), network: z.string().nullable() }).nullable(),
});

export const ZDecisionRecord = z
  .object({
    id: z.string(),
    time: z.string(),
    request_id: z.string(),
    caller: z.string().describe("The enforcement point that asked"),
    source: z.enum(["token", "principal"]),
    decision: z.enum(LANES),
    lane: z.enum(LANES).describe("What the policy said (before a review approval turned review into allow)"),
    policy_id: z.string().nullable(),
    policy_version: z.number().int().nullable(),
    matched: z.array(z.string()).describe("Every rule that matched"),
    reasons: z.array(z.string()),
    review_id: z.string().nullable(),
    evaluated_in_us: z.number().int(),
    principal: ZComposite.nullable().describe("The composite identity; null when the token did not verify"),
    task: z.string(),
    scopes: z.array(z.string()).nullable().describe("The token's scopes; null for the principal form"),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string(), attributes: ZJsonObject }),
    context: ZJsonObject.describe("The context as evaluated (with task, scopes and network)"),
    shadow: z.object({ version: z.number().int(), decision: z.enum(LANES), policy_id: z.string().nullable() }).nullable(),
  })
  .meta({ id: "DecisionRecord" });
export type DecisionRecordView = z.output<typeof ZDecisionRecord>;

export const ZReplayRequest = z
  .strictObject({ policy_id: z.string().regex(/^pol_[0-9a-f]{32}$/).optional().describe("A policy version id; default the enforced version") })
  .meta({ id: "ReplayDecisionRequest" });

const ZOutcome = z.object({ decision: z.enum(LANES), policy_id: z.string().nullable(), policy_version: z.number().int().nullable(), reasons: z.array(z.string()), matched: z.array(z.string()) });
export const ZReplay = z
  .object({
    decision_id: z.string(),
    before: ZOutcome.describe("As recorded (the policy's lane)"),
    after: ZOutcome.describe("Re-evaluated now"),
    changed: z.boolean(),
  })
  .meta({ id: "DecisionReplay" });
export type ReplayView = z.output<typeof ZReplay>;

/* The console overview: lane counts over time, most denied, headline counts. */
export const RANGES = {
  "1h": { spanMs: 3_600_000, bucketMs: 60_000 },
  "24h": { spanMs: 86_400_000, bucketMs: 1_800_000 },
  "7d": { spanMs: 604_800_000, bucketMs: 21_600_000 },
} as const;

export type Range = keyof typeof RANGES;

export const ZRange = z.enum(Object.keys(RANGES) as [Range, ...Range[]]);
export const ZOverviewInput = z.object({ range: ZRange.default("24h") });
const ZNamedCount = z.object({ name: z.string(), count: z.number().int() });
export const ZLanePoint = z.object({ t: z.string(), allow: z.number().int(), review: z.number().int(), deny: z.number().int() });
export const ZOverview = z.object({
  range: ZRange,
  counts: z.object({ realms: z.number().int(), secrets: z.number().int(), active_tokens: z.number().int(), denies_today: z.number().int() }),
  series: z.array(ZLanePoint),
  top_denied_capabilities: z.array(ZNamedCount),
  top_denied_subjects: z.array(ZNamedCount),
});

export type LanePoint = z.output<typeof ZLanePoint>;
export type Overview = z.output<typeof ZOverview>;
