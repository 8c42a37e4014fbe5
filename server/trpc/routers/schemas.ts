/** Schemas several console routers share: the domain contracts' names, and the console's `{ok: true}` reply. */
import { z } from "zod";

export { ZRealmName, ZRealmRef } from "../../realms/schemas";
export { ZTokenId } from "../../tokens/schemas";
export const ZOk = z.object({ ok: z.literal(true) });
export const OK = { ok: true } as const;
