/**
 * RFC 5424 messages for audit records, and RFC 6587 octet-counted framing for TCP.
 * Facility 13 (log audit); severity from the outcome. Structured data uses the SD-ID
 * arcan@32473 (32473 is the enterprise number RFC 5612 reserves for examples).
 */
import { hostname } from "node:os";
import type { ChainFields } from "../store/audit-chain";

/** An audit record as stored: its chained fields plus its position and hash. */
export type AuditRecordLike = ChainFields & { seq: number; hash: string };

const FACILITY_LOG_AUDIT = 13;
const SEVERITY: Record<string, number> = { success: 6, denied: 4, failure: 3 };
const SD_ID = "arcan@32473";
const BOM = "\uFEFF";

/** PRINTUSASCII without spaces, cut to the field's maximum; "-" when empty (NILVALUE). */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return clean.length > 0 ? clean : "-";
}

/** RFC 5424 §6.3.3: '"', '\' and ']' are escaped inside PARAM-VALUE. */
function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

const HOST = headerField(hostname(), 255);

export function formatAuditRecord(record: AuditRecordLike, procId: string = String(process.pid)): string {
  const pri = FACILITY_LOG_AUDIT * 8 + (SEVERITY[record.outcome] ?? 5);
  const params: [string, string | number | null][] = [
    ["id", record.id],
    ["seq", record.seq],
    ["request_id", record.requestId],
    ["actor", record.actor],
    ["outcome", record.outcome],
    ["status", record.status],
    ["realm", record.realm],
    ["resource", record.resource],
    ["capability", record.capability],
    ["ip", record.ip],
  ];
  const sd = `[${SD_ID}${params
    .filter(([, v]) => v !== null)
    .map(([k, v]) => ` ${k}="${sdValue(String(v))}"`)
    .join("")}]`;
  const msg = JSON.stringify({
    id: record.id,
    time: record.time.toISOString(),
    request_id: record.requestId,
    actor: record.actor,
    action: record.action,
    outcome: record.outcome,
    status: record.status,
    realm: record.realm,
    resource: record.resource,
    capability: record.capability,
    reason: record.reason,
    ip: record.ip,
    details: JSON.parse(record.details) as unknown,
    hash: record.hash,
  });
  const header = `<${pri}>1 ${record.time.toISOString()} ${HOST} arcan ${headerField(procId, 128)} ${headerField(record.action, 32)}`;
  return `${header} ${sd} ${BOM}${msg}`;
}

/** RFC 6587 §3.4.1: "<length in octets> <message>". */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
}
