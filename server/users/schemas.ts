/** The operators contract: name and password rules, wire shapes and the operations table (all need `admin`). */
import { z } from "zod";
import type { Operation } from "../rbac/capabilities";

/** The name part of `user:<name>`, as the RBAC subject pattern allows it. */
export const USER_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

export const ZUserName = z.string().regex(USER_NAME, "1 to 64 letters, digits, '.', '_', '@' or '-'");
export const ZPassword = z.string().min(MIN_PASSWORD, `at least ${MIN_PASSWORD} characters`).max(MAX_PASSWORD, `at most ${MAX_PASSWORD} characters`);

export const ZUser = z.object({ name: z.string(), subject: z.string(), disabled: z.boolean(), created_at: z.string(), updated_at: z.string() });
export const ZCreateUser = z.strictObject({ name: ZUserName, password: ZPassword });
export const ZSetUserDisabled = z.strictObject({ name: ZUserName, disabled: z.boolean() });
export const ZResetPassword = z.strictObject({ name: ZUserName, password: ZPassword });

export type UserView = z.output<typeof ZUser>;
export type CreateUserInput = z.output<typeof ZCreateUser>;

export const userOps = {
  list: { capability: "admin", action: "user.list" },
  create: { capability: "admin", action: "user.create" },
  disable: { capability: "admin", action: "user.disable" },
  enable: { capability: "admin", action: "user.enable" },
  resetPassword: { capability: "admin", action: "user.password_reset" },
} as const satisfies Record<string, Operation>;
