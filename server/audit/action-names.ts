/**
 * What the console shows next to an audit action: the capability its operation requires (from the
 * domains' ops tables) and, where the event of the same change is named differently, that event.
 * Allowed entries do not store the capability (the chain hashes records as written), so the
 * console derives it here instead of the record changing.
 */
import { agentOps } from "../agents/schemas";
import { decisionOps } from "../decisions/schemas";
import { engineOps } from "../engines/schemas";
import { gatewayOps } from "../gateway/schemas";
import { issuerOps } from "../issuers/schemas";
import { leaseOps } from "../leases/schemas";
import { pluginOps } from "../plugins/schemas";
import { policyOps } from "../policies/schemas";
import { bindingOps, roleOps } from "../rbac/schemas";
import { realmOps } from "../realms/schemas";
import { reviewOps } from "../reviews/schemas";
import { secretOps } from "../secrets/schemas";
import { sessionOps } from "../session/schemas";
import { stsOps } from "../sts/schemas";
import { tokenOps } from "../tokens/schemas";
import { userOps } from "../users/schemas";
import { webhookOps } from "../webhooks/schemas";
import { auditOps } from "./schemas";

const TABLES: Record<string, unknown>[] = [
  agentOps,
  auditOps,
  bindingOps,
  decisionOps,
  engineOps,
  gatewayOps,
  issuerOps,
  leaseOps,
  pluginOps,
  policyOps,
  realmOps,
  reviewOps,
  roleOps,
  secretOps,
  sessionOps,
  stsOps,
  tokenOps,
  userOps,
  webhookOps,
];

function isOp(value: unknown): value is { capability: string; action: string } {
  return typeof value === "object" && value !== null && typeof (value as { capability?: unknown }).capability === "string" && typeof (value as { action?: unknown }).action === "string";
}

/** audit action → the capability its operation requires. */
export function actionCapabilities(): Record<string, string> {
  const map: Record<string, string> = {};
  for (const table of TABLES) for (const op of Object.values(table)) if (isOp(op) && !(op.action in map)) map[op.action] = op.capability;
  return map;
}

/**
 * Audit actions whose webhook event names the same change differently. Both names are contract
 * names (the audit log's and the event catalogue's), so neither is renamed; the console shows both.
 */
export const ACTION_EVENTS: Readonly<Record<string, string>> = {
  "secret.write": "secret.set",
  "secret.delete": "secret.deleted",
};
