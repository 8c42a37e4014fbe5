// Model types for the rest of the server. Taken from the generated SQLite client: both
// generated clients share these shapes (see client.ts), so code written against them
// works on either database. Type-only, so importing this file loads no Prisma code.

export type {
  AuditRecord,
  Binding,
  DecisionMinute,
  DecisionRecord,
  Prisma,
  Realm,
  RealmKey,
  Role,
  Secret,
  SecretVersion,
  Token,
  User,
  EngineMount,
  EngineRole,
  Lease,
} from "./generated/sqlite/client";
export type { Db, Store } from "./client";
