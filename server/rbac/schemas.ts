/** The roles and bindings contract: name and subject patterns, wire shapes and the operations table. */
import { z } from "zod";
import { ZRealmRef, ZDescription } from "../realms/schemas";
import { TOKEN_ID } from "../tokens/schemas";
import { USER_NAME } from "../users/schemas";
import { ZCapabilityName, type Operation } from "./capabilities";

export const ROLE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** An RBAC subject: `user:<operator name>` or `token:<token id>`. */
export const SUBJECT = new RegExp(`^(user:${USER_NAME.source.slice(1, -1)}|token:${TOKEN_ID.source.slice(1, -1)})$`);

export const ZRoleName = z.string().regex(ROLE_NAME, "lowercase letters, digits, '_' and '-', 1 to 63 characters");
export const ZRoleParams = z.strictObject({ name: ZRoleName });
export const ZSubject = z.string().regex(SUBJECT, '"user:<name>" or "token:<id>"');
export const ZBindingId = z.string().regex(/^bnd_[0-9a-f]{32}$/, "not a binding id");
export const ZBindingParams = z.strictObject({ id: ZBindingId });
const ZRoleCapabilities = z.array(ZCapabilityName).min(1, "choose at least one capability").max(64);

export const ZRole = z
  .object({ name: z.string(), description: z.string(), capabilities: z.array(ZCapabilityName), builtin: z.boolean().describe("Shipped with Arcan; cannot be changed"), created_at: z.string(), updated_at: z.string() })
  .meta({
    id: "Role",
    description: "A named set of capabilities",
    examples: [{ name: "ci-reader", description: "CI pipelines", capabilities: ["secrets:read"], builtin: false, created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }],
  });
export const ZRoleList = z.object({ items: z.array(ZRole) }).meta({ id: "RoleList" });
export const ZCreateRole = z
  .strictObject({ name: ZRoleName, description: ZDescription.optional(), capabilities: ZRoleCapabilities })
  .meta({ id: "CreateRoleRequest", examples: [{ name: "ci-reader", description: "CI pipelines", capabilities: ["secrets:read"] }] });
export const ZUpdateRole = z
  .strictObject({ description: ZDescription.optional(), capabilities: ZRoleCapabilities.optional() })
  .meta({ id: "UpdateRoleRequest", examples: [{ capabilities: ["secrets:read", "leases:create"] }] });

export const ZBinding = z
  .object({ id: z.string(), subject: z.string(), role: z.string(), realm: z.string().describe('A realm name or "*" (every realm)'), created_at: z.string() })
  .meta({
    id: "Binding",
    description: "Gives a subject a role in one realm or in all",
    examples: [{ id: "bnd_5e1d0c2b3a4f45e6a7b8c9d0e1f2a3b4", subject: "user:alice", role: "ci-reader", realm: "myapp", created_at: "2026-11-22T10:00:00.000Z" }],
  });
export const ZBindingList = z.object({ items: z.array(ZBinding) }).meta({ id: "BindingList" });
export const ZCreateBinding = z
  .strictObject({ subject: ZSubject, role: ZRoleName, realm: ZRealmRef })
  .meta({ id: "CreateBindingRequest", examples: [{ subject: "user:alice", role: "ci-reader", realm: "myapp" }] });

export type RoleView = z.output<typeof ZRole>;
export type BindingView = z.output<typeof ZBinding>;
export type CreateRoleInput = z.output<typeof ZCreateRole>;
export type UpdateRoleInput = z.output<typeof ZUpdateRole>;
export type CreateBindingInput = z.output<typeof ZCreateBinding>;

export const roleOps = {
  list: { capability: "roles:read", action: "role.list" },
  get: { capability: "roles:read", action: "role.read" },
  create: { capability: "roles:write", action: "role.create" },
  update: { capability: "roles:write", action: "role.update" },
  delete: { capability: "roles:write", action: "role.delete" },
} as const satisfies Record<string, Operation>;

export const bindingOps = {
  list: { capability: "roles:read", action: "binding.list" },
  create: { capability: "roles:write", action: "binding.create" },
  delete: { capability: "roles:write", action: "binding.delete" },
} as const satisfies Record<string, Operation>;
