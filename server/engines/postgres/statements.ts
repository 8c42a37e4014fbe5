/**
 * What the postgres engine sends to PostgreSQL: generated role names and passwords, the
 * `{{name}}`/`{{password}}`/`{{expiration}}` templates, and the default revocation.
 */
import { randomInt } from "node:crypto";

const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const PASSWORD_LENGTH = 40;
const NAME_RANDOM_LENGTH = 10;
const MAX_IDENTIFIER_BYTES = 63;

function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]/g, "_");

/** `arcan_<realm>_<role>_<random>`, cut so it fits PostgreSQL's 63-byte identifiers. */
export function generateRoleName(realm: string, role: string): string {
  const fixed = "arcan_".length + 2 + NAME_RANDOM_LENGTH;
  const realmPart = slug(realm).slice(0, 22);
  const rolePart = slug(role).slice(0, MAX_IDENTIFIER_BYTES - fixed - realmPart.length);
  return `arcan_${realmPart}_${rolePart}_${randomString(LOWER, NAME_RANDOM_LENGTH)}`;
}

/** Base62 from the CSPRNG: safe inside a SQL string literal and a URL without escaping. */
export function generatePassword(): string {
  return randomString(BASE62, PASSWORD_LENGTH);
}

/** PostgreSQL's timestamptz literal form, in UTC. */
export function expirationLiteral(at: Date): string {
  return at.toISOString().replace("T", " ").replace("Z", "+00");
}

export function fillTemplate(statement: string, values: { name: string; password?: string; expiration?: string }): string {
  let out = statement.replaceAll("{{name}}", values.name);
  if (values.password !== undefined) out = out.replaceAll("{{password}}", values.password);
  if (values.expiration !== undefined) out = out.replaceAll("{{expiration}}", values.expiration);
  return out;
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The default revocation, in one transaction: no new logins, end the role's open sessions,
 * hand what it owns to the root user and drop its grants, then drop it. Membership in the
 * role comes first because PostgreSQL lets a CREATEROLE user terminate, reassign and drop
 * only roles it is a member of.
 */
export function defaultRevocation(name: string): string[] {
  const role = quoteIdent(name);
  return [
    `GRANT ${role} TO CURRENT_USER`,
    `ALTER ROLE ${role} NOLOGIN`,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${quoteLiteral(name)} AND pid <> pg_backend_pid()`,
    `REASSIGN OWNED BY ${role} TO CURRENT_USER`,
    `DROP OWNED BY ${role}`,
    `DROP ROLE ${role}`,
  ];
}

export function defaultRenewal(name: string, expiration: string): string[] {
  return [`ALTER ROLE ${quoteIdent(name)} VALID UNTIL ${quoteLiteral(expiration)}`];
}
