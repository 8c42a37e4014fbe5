/** The audit contract: search filters, record and chain-report shapes, and the operations table. */
import { z } from "zod";
import type { Operation } from "../rbac/capabilities";

/** "" means "no filter" (what an empty form field or `?realm=` sends). */
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));
const ZTime = z.iso.datetime({ offset: true, message: "not an ISO 8601 date and time" }).transform((s) => new Date(s));

/** Audit outcomes, and the decision lanes' words for them (allow = success, deny = denied). */
export const AUDIT_OUTCOMES = ["success", "denied", "failure", "allow", "deny", "review"] as const;
const OUTCOME_OF_LANE: Record<string, string> = { allow: "success", deny: "denied" };

/** Prisma's Int, and so `seq`, is 32-bit on both stores: a larger cursor must be refused, not sent. */
const MAX_SEQ = 2_147_483_647;

/** A `next_cursor` this API returned: the seq of the last record on the page. */
export const ZAuditCursor = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "not a cursor this API returned")
  .transform(Number)
  .pipe(z.number().max(MAX_SEQ, "not a cursor this API returned"));

export const ZAuditQuery = z.strictObject({
  realm: optionalText(63),
  actor: optionalText(200),
  action: optionalText(100).describe('An action, or a prefix ending in "*" ("secret.*")'),
  outcome: z
    .enum(AUDIT_OUTCOMES)
    .optional()
    .transform((v) => (v ? (OUTCOME_OF_LANE[v] ?? v) : undefined))
    .describe("success, denied or failure; the decision lanes' allow, deny and review are accepted too"),
  request_id: optionalText(128),
  from: ZTime.optional(),
  to: ZTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: ZAuditCursor.optional(),
});

export type AuditQuery = z.output<typeof ZAuditQuery>;

export const auditOps = {
  search: { capability: "audit:read", action: "audit.search" },
  verify: { capability: "audit:read", action: "audit.verify" },
} as const satisfies Record<string, Operation>;



export const ZAuditRecord = z
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

export const ZAuditPage = z
  .object({ items: z.array(ZAuditRecord), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") })
  .meta({ id: "AuditPage" });

export const ZAuditVerification = z
  .object({
    valid: z.boolean(),
    checked: z.number().int().describe("Records checked"),
    first_broken: z.object({ seq: z.number().int(), id: z.string(), reason: z.string() }).nullable().describe("The first record whose hash does not match; null when the chain is intact"),
    head_hash: z.string(),
  })
  .meta({ id: "AuditVerification", examples: [{ valid: true, checked: 1024, first_broken: null, head_hash: "4ab1…" }] });

export type AuditRecordView = z.output<typeof ZAuditRecord>;
export type ChainReport = z.output<typeof ZAuditVerification>;
