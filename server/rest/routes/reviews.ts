/** /api/v1/reviews: step-up requests waiting for a human. */
import { reviewOps, ZApproveReview, ZDenyReview, ZReview, ZReviewList, ZReviewListQuery, ZReviewParams } from "../../reviews/schemas";
import { route } from "../route";

export const reviewRoutes = [
  route({
    method: "GET",
    path: "/api/v1/reviews",
    operationId: "listReviews",
    summary: "Reviews, pending first (?state=pending|approved|denied|expired)",
    tag: "reviews",
    capability: reviewOps.list.capability,
    query: ZReviewListQuery,
    response: ZReviewList,
    handle: ({ actor, query, services }) => services.reviews.list(actor, { limit: query.limit, ...(query.state ? { state: query.state } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) }),
  }),
  route({
    method: "GET",
    path: "/api/v1/reviews/:id",
    operationId: "getReview",
    summary: "One review",
    tag: "reviews",
    capability: reviewOps.get.capability,
    params: ZReviewParams,
    response: ZReview,
    handle: ({ actor, params, services }) => services.reviews.get(actor, params.id),
  }),
  route({
    method: "POST",
    path: "/api/v1/reviews/:id/approve",
    operationId: "approveReview",
    summary: "Approve: the same request is allowed until ttl (default 15 minutes); not by the delegating user",
    tag: "reviews",
    capability: reviewOps.approve.capability,
    params: ZReviewParams,
    body: ZApproveReview.optional(),
    status: 200,
    response: ZReview,
    handle: ({ actor, params, body, services }) => services.reviews.approve(actor, params.id, { note: body?.note, ttl: body?.ttl }),
  }),
  route({
    method: "POST",
    path: "/api/v1/reviews/:id/deny",
    operationId: "denyReview",
    summary: "Deny: the request stays denied",
    tag: "reviews",
    capability: reviewOps.deny.capability,
    params: ZReviewParams,
    body: ZDenyReview.optional(),
    status: 200,
    response: ZReview,
    handle: ({ actor, params, body, services }) => services.reviews.deny(actor, params.id, { note: body?.note }),
  }),
];
