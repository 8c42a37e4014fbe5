/** /api/v1/roles and /api/v1/bindings */
import { z } from "zod";
import { ROLE_NAME, SUBJECT } from "../../rbac/roles-service";
import { route } from "../route";
import { ZCapabilityName as ZCapability } from "./tokens";

const ZRoleName = z.string().regex(ROLE_NAME, "lowercase letters, digits, '_' and '-', 1 to 63 characters");
const ZRole = z
  .object({ name: z.string(), description: z.string(), capabilities: z.array(ZCapability), builtin: z.boolean().describe("Shipped with Arcan; cannot be changed"), created_at: z.string(), updated_at: z.string() })
  .meta({
    id: "Role",
    description: "A named set of capabilities",
    examples: [{ name: "ci-reader", description: "CI pipelines", capabilities: ["secrets:read"], builtin: false, created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }],
  });
const ZBinding = z
  .object({ id: z.string(), subject: z.string(), role: z.string(), realm: z.string().describe('A realm name or "*" (every realm)'), created_at: z.string() })
  .meta({
    id: "Binding",
    description: "Gives a subject a role in one realm or in all",
    examples: [{ id: "bnd_5e1d0c2b3a4f45e6a7b8c9d0e1f2a3b4", subject: "user:alice", role: "ci-reader", realm: "myapp", created_at: "2026-11-22T10:00:00.000Z" }],
  });

export const rbacRoutes = [
  route({
    method: "GET",
    path: "/api/v1/roles",
    operationId: "listRoles",
    summary: "Roles",
    tag: "rbac",
    capability: "roles:read",
    response: z.object({ items: z.array(ZRole) }).meta({ id: "RoleList" }),
    handle: async ({ actor, services }) => ({ items: await services.roles.list(actor) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/roles",
    operationId: "createRole",
    summary: "Create a role",
    tag: "rbac",
    capability: "roles:write",
    body: z
      .strictObject({ name: ZRoleName, description: z.string().max(1000).optional(), capabilities: z.array(ZCapability).min(1).max(64) })
      .meta({ id: "CreateRoleRequest", examples: [{ name: "ci-reader", description: "CI pipelines", capabilities: ["secrets:read"] }] }),
    status: 201,
    response: ZRole,
    handle: ({ actor, body, services }) =>
      services.roles.create(actor, { name: body.name, capabilities: body.capabilities, ...(body.description !== undefined ? { description: body.description } : {}) }),
  }),
  route({
    method: "GET",
    path: "/api/v1/roles/:name",
    operationId: "getRole",
    summary: "A role",
    tag: "rbac",
    capability: "roles:read",
    params: z.strictObject({ name: ZRoleName }),
    response: ZRole,
    handle: ({ actor, params, services }) => services.roles.get(actor, params.name),
  }),
  route({
    method: "PATCH",
    path: "/api/v1/roles/:name",
    operationId: "updateRole",
    summary: "Change a role's description or capabilities",
    tag: "rbac",
    capability: "roles:write",
    params: z.strictObject({ name: ZRoleName }),
    body: z
      .strictObject({ description: z.string().max(1000).optional(), capabilities: z.array(ZCapability).min(1).max(64).optional() })
      .meta({ id: "UpdateRoleRequest", examples: [{ capabilities: ["secrets:read", "leases:create"] }] }),
    response: ZRole,
    handle: ({ actor, params, body, services }) =>
      services.roles.update(actor, params.name, {
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.capabilities ? { capabilities: body.capabilities } : {}),
      }),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/roles/:name",
    operationId: "deleteRole",
    summary: "Delete a role and its bindings",
    tag: "rbac",
    capability: "roles:write",
    params: z.strictObject({ name: ZRoleName }),
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.roles.delete(actor, params.name),
  }),
  route({
    method: "GET",
    path: "/api/v1/bindings",
    operationId: "listBindings",
    summary: "Role bindings",
    tag: "rbac",
    capability: "roles:read",
    response: z.object({ items: z.array(ZBinding) }).meta({ id: "BindingList" }),
    handle: async ({ actor, services }) => ({ items: await services.roles.listBindings(actor) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/bindings",
    operationId: "createBinding",
    summary: "Give a subject a role in a realm (or in every realm: \"*\")",
    tag: "rbac",
    capability: "roles:write",
    body: z
      .strictObject({
        subject: z.string().regex(SUBJECT, '"user:<name>" or "token:<id>"'),
        role: ZRoleName,
        realm: z.string().regex(/^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/, 'a realm name or "*"'),
      })
      .meta({ id: "CreateBindingRequest", examples: [{ subject: "user:alice", role: "ci-reader", realm: "myapp" }] }),
    status: 201,
    response: ZBinding,
    handle: ({ actor, body, services }) => services.roles.bind(actor, body),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/bindings/:id",
    operationId: "deleteBinding",
    summary: "Remove a binding",
    tag: "rbac",
    capability: "roles:write",
    params: z.strictObject({ id: z.string().regex(/^bnd_[0-9a-f]{32}$/, "not a binding id") }),
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.roles.unbind(actor, params.id),
  }),
];
