/**
 * The `postgres` engine's contract: its mount config and role fields. The driver parses
 * with these, and the console's mount form checks with them (the same rule, not a copy),
 * so this module holds zod only.
 */
import { z } from "zod";

const URL_PATTERN = /^postgres(ql)?:\/\/(?:([^@/]*)@)?[^/]/;

/** The user info of a postgres:// URL, if any. */
function urlUserInfo(url: string): string | undefined {
  return URL_PATTERN.exec(url)?.[2];
}

export const ZPostgresConfig = z.strictObject({
  connection_url: z
    .string()
    .max(2048)
    .regex(URL_PATTERN, "a postgres:// URL")
    .refine((url) => {
      const userinfo = urlUserInfo(url);
      const colon = userinfo?.indexOf(":") ?? -1;
      return colon < 0 || userinfo!.slice(colon + 1) === "{{password}}";
    }, "put the password in config.password and write {{password}} in the URL"),
  username: z.string().min(1, "enter the root user").max(63),
  password: z.string().min(1, "enter the root user's password").max(1024),
  max_open_connections: z.number("a whole number from 1 to 100").int("a whole number from 1 to 100").min(1, "at least 1").max(100, "at most 100").default(4),
});
export type PostgresConfig = z.output<typeof ZPostgresConfig>;

const ZStatements = z.array(z.string().min(1).max(10_000)).max(50);
export const ZPostgresRole = z.strictObject({
  creation_statements: ZStatements.min(1, "at least one statement").refine((list) => list.some((s) => s.includes("{{name}}")), "a statement must use {{name}}"),
  revocation_statements: ZStatements.default([]),
  renew_statements: ZStatements.default([]),
});
export type PostgresRole = z.output<typeof ZPostgresRole>;
