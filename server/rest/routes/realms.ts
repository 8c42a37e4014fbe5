/** /api/v1/realms */
import { z } from "zod";
import { REALM_NAME } from "../../realms/service";
import { route } from "../route";

export const ZRealmName = z.string().regex(REALM_NAME, "a lowercase slug: a-z, 0-9 and '-', 1 to 63 characters").meta({ examples: ["myapp"] });
const ZRealmParams = z.strictObject({ realm: ZRealmName });

const ZRealm = z.object({ name: z.string(), description: z.string(), created_at: z.string(), updated_at: z.string() }).meta({
  id: "Realm",
  description: "A tenant that owns secrets, engines and leases",
  examples: [{ name: "myapp", description: "Production services of myapp", created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }],
});

export const realmRoutes = [
  route({
    method: "GET",
    path: "/api/v1/realms",
    operationId: "listRealms",
    summary: "Realms the caller may see",
    tag: "realms",
    capability: "realms:read",
    response: z.object({ items: z.array(ZRealm) }).meta({ id: "RealmList" }),
    handle: async ({ actor, services }) => ({ items: await services.realms.list(actor) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/realms",
    operationId: "createRealm",
    summary: "Create a realm",
    tag: "realms",
    capability: "realms:write",
    body: z
      .strictObject({ name: ZRealmName, description: z.string().max(1000).optional() })
      .meta({ id: "CreateRealmRequest", examples: [{ name: "myapp", description: "Production services of myapp" }] }),
    status: 201,
    response: ZRealm,
    handle: ({ actor, body, services }) => services.realms.create(actor, { name: body.name, ...(body.description !== undefined ? { description: body.description } : {}) }),
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm",
    operationId: "getRealm",
    summary: "A realm",
    tag: "realms",
    capability: "realms:read",
    params: ZRealmParams,
    response: ZRealm,
    handle: ({ actor, params, services }) => services.realms.get(actor, params.realm),
  }),
  route({
    method: "PATCH",
    path: "/api/v1/realms/:realm",
    operationId: "updateRealm",
    summary: "Update a realm's description",
    tag: "realms",
    capability: "realms:write",
    params: ZRealmParams,
    body: z.strictObject({ description: z.string().max(1000).optional() }).meta({ id: "UpdateRealmRequest", examples: [{ description: "Renamed team" }] }),
    response: ZRealm,
    handle: ({ actor, params, body, services }) => services.realms.update(actor, params.realm, { ...(body.description !== undefined ? { description: body.description } : {}) }),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/realms/:realm",
    operationId: "deleteRealm",
    summary: "Delete a realm with its secrets and bindings",
    tag: "realms",
    capability: "realms:write",
    params: ZRealmParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.realms.delete(actor, params.realm),
  }),
];
