/** /api/v1/audit */
import { z } from "zod";
import { parseAuditCursor } from "../../audit/service";
import { route } from "../route";

const ZAuditRecord = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    time: z.string(),
    request_id: z.string(),
    actor: z.string(),
    action: z.string(),
    realm: z.string().nullable(),
    resource: z.string().nullable(),
    outcome: z.string(),
    status: z.number().int(),
    capability: z.string().nullable(),
    reason: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    prev_hash: z.string(),
    hash: z.string().describe("SHA-256 over this record and prev_hash (the tamper-evident chain)"),
  })
  .meta({
    id: "AuditRecord",
    examples: [
      {
        id: "aud_1c2d3e4f5a6b47c8d9e0f1a2b3c4d5e6",
        seq: 42,
        time: "2026-11-22T10:00:00.000Z",
        request_id: "req_4f1c2a9be0d34c7e9a51c0f2d6b8e713",
        actor: "token:tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b",
        action: "secret.read",
        realm: "myapp",
        resource: "DATABASE_URL",
        outcome: "success",
        status: 200,
        capability: "secrets:read",
        reason: null,
        ip: "10.0.0.7",
        details: {},
        prev_hash: "9f2c…",
        hash: "4ab1…",
      },
    ],
  });

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
      cursor: z.string().max(20).optional(),
    }),
    response: z.object({ items: z.array(ZAuditRecord), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "AuditPage" }),
    handle: ({ actor, query, services }) => {
      const cursor = parseAuditCursor(query.cursor);
      return services.audit.search(actor, {
        limit: query.limit,
        ...(cursor !== undefined ? { cursor } : {}),
        ...(query.realm ? { realm: query.realm } : {}),
        ...(query.actor ? { actor: query.actor } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.request_id ? { requestId: query.request_id } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      });
    },
  }),
  route({
    method: "GET",
    path: "/api/v1/audit/verify",
    operationId: "verifyAuditChain",
    summary: "Check the hash chain; name the first broken record",
    tag: "audit",
    capability: "audit:read",
    response: z
      .object({
        valid: z.boolean(),
        checked: z.number().int().describe("Records checked"),
        first_broken: z.object({ seq: z.number().int(), id: z.string(), reason: z.string() }).nullable().describe("The first record whose hash does not match; null when the chain is intact"),
        head_hash: z.string(),
      })
      .meta({ id: "AuditVerification", examples: [{ valid: true, checked: 1024, first_broken: null, head_hash: "4ab1…" }] }),
    handle: ({ actor, services }) => services.audit.verify(actor),
  }),
];
