/** Contract module for step-up reviews. */
import { z } from "zod";
import { ZComposite } from "../decisions/schemas";

export const reviewOps = {
  list: { capability: "reviews:decide", action: "review.list" },
  get: { capability: "reviews:decide", action: "review.read" },
  approve: { capability: "reviews:decide", action: "review.approve" },
  deny: { capability: "reviews:decide", action: "review.deny" },
} as const;

export const REVIEW_STATES = ["pending", "approved", "denied", "expired"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const ZReviewParams = z.strictObject({ id: z.string().regex(/^rev_[0-9a-f]{32}$/, "a review id (rev_…)") });
export const ZReviewListQuery = z.strictObject({
  state: z.enum(REVIEW_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^rev_[0-9a-f]{32}$/).optional(),
});

export const ZReview = z
  .object({
    id: z.string(),
    state: z.enum(REVIEW_STATES),
    decision_id: z.string(),
    user: ZComposite.shape.user,
    agent: ZComposite.shape.agent,
    workload: ZComposite.shape.workload,
    task: z.string(),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string(), attributes: z.record(z.string(), z.unknown()) }),
    policy_id: z.string().nullable().describe("The review-lane rule that matched"),
    requested_at: z.string(),
    expires_at: z.string(),
    decided_at: z.string().nullable(),
    decided_by: z.string().nullable(),
    note: z.string().nullable(),
    approved_until: z.string().nullable().describe("Until when the same request is allowed (approved only)"),
  })
  .meta({ id: "Review" });
export type ReviewView = z.output<typeof ZReview>;

export const ZReviewList = z.object({ items: z.array(ZReview), next_cursor: z.string().nullable() }).meta({ id: "ReviewList" });

export const ZApproveReview = z
  .strictObject({ note: z.string().max(1000).optional(), ttl: z.union([z.string().max(20), z.number().int()]).optional().describe('How long the approval lasts ("15m", seconds); default 15 minutes') })
  .meta({ id: "ApproveReviewRequest", examples: [{ note: "ticket FIN-1234", ttl: "30m" }] });
export const ZDenyReview = z.strictObject({ note: z.string().max(1000).optional() }).meta({ id: "DenyReviewRequest" });
