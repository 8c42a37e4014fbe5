/** /api/v1/audit */
import { auditOps, ZAuditPage, ZAuditQuery, ZAuditVerification } from "../../audit/schemas";
import { route } from "../route";

export const auditRoutes = [
  route({
    method: "GET",
    path: "/api/v1/audit",
    operationId: "searchAudit",
    summary: "Search the audit log, newest first",
    tag: "audit",
    capability: auditOps.search.capability,
    query: ZAuditQuery,
    response: ZAuditPage,
    handle: ({ actor, query, services }) => services.audit.search(actor, query),
  }),
  route({
    method: "GET",
    path: "/api/v1/audit/verify",
    operationId: "verifyAuditChain",
    summary: "Check the hash chain; name the first broken record",
    tag: "audit",
    capability: auditOps.verify.capability,
    response: ZAuditVerification,
    handle: ({ actor, services }) => services.audit.verify(actor),
  }),
];
