/**
 * The audit log's hash chain: each record's hash covers its fields and the previous
 * record's hash, so editing, deleting or reordering any record breaks every hash after it.
 * It is the stored rows' format, so it lives with the store (which links rows as it
 * commits them, in the segment log writer too); the audit domain builds on it.
 */
import { hash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface ChainFields {
  id: string;
  time: Date;
  requestId: string;
  actor: string;
  action: string;
  realm: string | null;
  resource: string | null;
  outcome: string;
  status: number;
  capability: string | null;
  reason: string | null;
  ip: string | null;
  details: string;
}

/** The record's fields in chain order, as JSON: what its hash covers. */
export function canonicalJson(r: ChainFields): string {
  return JSON.stringify([
    r.id,
    r.time.toISOString(),
    r.requestId,
    r.actor,
    r.action,
    r.realm,
    r.resource,
    r.outcome,
    r.status,
    r.capability,
    r.reason,
    r.ip,
    r.details,
  ]);
}

export function hashCanonical(prevHash: string, canonical: string): string {
  return hash("sha256", `${prevHash}\n${canonical}`, "hex");
}

export function chainHash(prevHash: string, r: ChainFields): string {
  return hashCanonical(prevHash, canonicalJson(r));
}

/** Links a batch of records onto the chain after `lastHash` (null: the chain is empty), in order. */
export function linkRecords<T extends ChainFields>(lastHash: string | null, records: readonly T[]): (T & { prevHash: string; hash: string })[] {
  let prev = lastHash ?? GENESIS_HASH;
  return records.map((r) => {
    const hash = chainHash(prev, r);
    const linked = { ...r, prevHash: prev, hash };
    prev = hash;
    return linked;
  });
}
