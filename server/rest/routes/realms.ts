/** /api/v1/realms */
import { realmOps, ZCreateRealm, ZRealm, ZRealmList, ZRealmParams, ZUpdateRealm } from "../../realms/schemas";
import { route } from "../route";

/** Where realm-scoped route modules import it from; its definition is the realms contract's. */
export { ZRealmName } from "../../realms/schemas";

export const realmRoutes = [
  route({
    method: "GET",
    path: "/api/v1/realms",
    operationId: "listRealms",
    summary: "Realms the caller may see",
    tag: "realms",
    capability: realmOps.list.capability,
    response: ZRealmList,
    handle: async ({ actor, services }) => ({ items: await services.realms.list(actor) }),
  }),
  route({
    method: "POST",
    path: "/api/v1/realms",
    operationId: "createRealm",
    summary: "Create a realm",
    tag: "realms",
    capability: realmOps.create.capability,
    body: ZCreateRealm,
    status: 201,
    response: ZRealm,
    handle: ({ actor, body, services }) => services.realms.create(actor, body),
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm",
    operationId: "getRealm",
    summary: "A realm",
    tag: "realms",
    capability: realmOps.get.capability,
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
    capability: realmOps.update.capability,
    params: ZRealmParams,
    body: ZUpdateRealm,
    response: ZRealm,
    handle: ({ actor, params, body, services }) => services.realms.update(actor, params.realm, body),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/realms/:realm",
    operationId: "deleteRealm",
    summary: "Delete a realm with its secrets and bindings",
    tag: "realms",
    capability: realmOps.delete.capability,
    params: ZRealmParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.realms.delete(actor, params.realm),
  }),
];
