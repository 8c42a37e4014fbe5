/** /api/v1/audit */
import { z } from "zod";
import { ZAuditCursor, ZAuditRecord, ZAuditVerification } from "../../audit/schemas";
import { route } from "../route";

const ZTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const auditRoutes = [
  route({
    method: "GET",
    path: "/api/v1/audit",
    operationId: "searchAudit",
    summary: "Search the audit log, newest first",
    tag: "audit",
    capability: "audit:read",
    query: z.strictObject({
      realm: z.string().max(63).optional(),
      actor: z.string().max(200).optional(),
      action: z.string().max(100).optional(),
      outcome: z.enum(["success", "denied", "failure"]).optional(),
      request_id: z.string().max(128).optional(),
      from: ZTime.optional(),
      to: ZTime.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: ZAuditCursor.optional(),
    }),
    response: z.object({ items: z.array(ZAuditRecord), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "AuditPage" }),
    handle: ({ actor, query, services }) =>
      services.audit.search(actor, {
        limit: query.limit,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.realm ? { realm: query.realm } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.request_id ? { requestId: query.request_id } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      }),
  }),
  route({
    method: "GET",
    path: "/api/v1/audit/verify",
    operationId: "verifyAuditChain",
    summary: "Check the hash chain; name the first broken record",
    tag: "audit",
    capability: "audit:read",
    response: ZAuditVerification,
    handle: ({ actor, services }) => services.audit.verify(actor),
  }),
];
