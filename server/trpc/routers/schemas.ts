/** Zod schemas shared by several console routers (names follow the REST contract). */
import { z } from "zod";
import { REALM_NAME } from "../../realms/service";

export const ZRealmName = z.string().trim().regex(REALM_NAME, "lowercase letters, digits and '-', 1 to 63 characters");
export const ZRealmRef = z.union([z.literal("*"), ZRealmName]);
export const ZTokenId = z.string().regex(/^tok_[0-9a-f]{32}$/, "not a token id");
export const ZOk = z.object({ ok: z.literal(true) });
export const OK = { ok: true } as const;
