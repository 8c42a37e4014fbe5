/**
 * The console session's contract: who is signed in, what they hold where (so the console
 * shows only what they can use), and the names behind RBAC subjects.
 */
import { z } from "zod";
import { ZCapability } from "../rbac/capabilities";

export const ZRealmRights = z.object({ name: z.string(), description: z.string(), capabilities: z.array(ZCapability) });

export const ZSessionMe = z.object({
  subject: z.string(),
  name: z.string(),
  kind: z.enum(["token", "user"]),
  is_admin: z.boolean(),
  /** Capabilities held in every realm (and for operations not tied to one realm). */
  everywhere: z.array(ZCapability),
  /** Realms the principal holds anything in, with what it holds there. */
  realms: z.array(ZRealmRights),
});

export const ZSubjectKind = z.enum(["token", "user", "agent"]);
/** An RBAC subject (`token:<id>`, `user:<name>`, `agent:<id>`) and the name a person knows it by. */
export const ZSubjectName = z.object({ subject: z.string(), kind: ZSubjectKind, id: z.string(), name: z.string() });
export const ZResolveSubjects = z.strictObject({ subjects: z.array(z.string().max(200)).max(500) });
export const ZSearchSubjects = z.strictObject({ query: z.string().max(100).default("") });

export type SessionMe = z.output<typeof ZSessionMe>;
export type SubjectName = z.output<typeof ZSubjectName>;

export const sessionOps = {
  /** Listing subjects to pick from (the bind form) needs what binding needs. */
  subjects: { capability: "roles:write", action: "subject.list" },
} as const;
