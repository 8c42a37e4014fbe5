/**
 * The names behind RBAC subjects: `token:<id>` → the token's name, `user:<name>` → the
 * operator, `agent:<id>` → the agent; and the reverse (a name → its subjects) for the
 * audit search. Ids stay visible next to names: names are not unique for tokens.
 */
import type { Db } from "../store/client";
import type { SubjectName } from "../session/schemas";

const SEARCH_LIMIT = 50;

export class SubjectDirectory {
  constructor(private readonly deps: { db: Db }) {}

  /** Names for the given subjects; unknown ones (deleted tokens, "system") come back as their own id. */
  async resolve(subjects: readonly string[]): Promise<SubjectName[]> {
    const ids = (prefix: string) => [...new Set(subjects.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length)))];
    const { db } = this.deps;
    const tokenIds = ids("token:");
    const agentIds = ids("agent:");
    const [tokens, agents] = await Promise.all([
      tokenIds.length ? db.token.findMany({ where: { id: { in: tokenIds } }, select: { id: true, name: true } }) : [],
      agentIds.length ? db.agent.findMany({ where: { id: { in: agentIds } }, select: { id: true, name: true } }) : [],
    ]);
    const known = new Map<string, SubjectName>();
    for (const t of tokens) known.set(`token:${t.id}`, { subject: `token:${t.id}`, kind: "token", id: t.id, name: t.name });
    for (const a of agents) known.set(`agent:${a.id}`, { subject: `agent:${a.id}`, kind: "agent", id: a.id, name: a.name });
    return [...new Set(subjects)].map((subject) => known.get(subject) ?? fallback(subject));
  }

  /** Subjects whose name or id contains `query` (case-insensitive), tokens, operators and agents, for pickers and the audit search. */
  async search(query: string): Promise<SubjectName[]> {
    const { db } = this.deps;
    const q = query.trim();
    const where = q ? { OR: [{ name: { contains: q } }, { id: { contains: q } }] } : {};
    const [tokens, users, agents] = await Promise.all([
      db.token.findMany({ where: { ...where, revokedAt: null }, select: { id: true, name: true }, orderBy: { name: "asc" }, take: SEARCH_LIMIT }),
      db.user.findMany({ where: q ? { name: { contains: q } } : {}, select: { id: true, name: true }, orderBy: { name: "asc" }, take: SEARCH_LIMIT }),
      db.agent.findMany({ where, select: { id: true, name: true }, orderBy: { name: "asc" }, take: SEARCH_LIMIT }),
    ]);
    return [
      ...users.map((u): SubjectName => ({ subject: `user:${u.name}`, kind: "user", id: u.name, name: u.name })),
      ...tokens.map((t): SubjectName => ({ subject: `token:${t.id}`, kind: "token", id: t.id, name: t.name })),
      ...agents.map((a): SubjectName => ({ subject: `agent:${a.id}`, kind: "agent", id: a.id, name: a.name })),
    ];
  }

  /** The subjects a name (exact) stands for: a token or agent name, an operator name; a subject given as such stays itself. */
  async byName(name: string): Promise<string[]> {
    if (/^(token|user|agent):/.test(name)) return [name];
    const { db } = this.deps;
    const [tokens, users, agents] = await Promise.all([
      db.token.findMany({ where: { name }, select: { id: true } }),
      db.user.findMany({ where: { name }, select: { name: true } }),
      db.agent.findMany({ where: { name }, select: { id: true } }),
    ]);
    return [...tokens.map((t) => `token:${t.id}`), ...users.map((u) => `user:${u.name}`), ...agents.map((a) => `agent:${a.id}`)];
  }
}

function fallback(subject: string): SubjectName {
  const [kind, ...rest] = subject.split(":");
  const id = rest.join(":") || subject;
  if (kind === "user") return { subject, kind: "user", id, name: id };
  return { subject, kind: kind === "agent" ? "agent" : "token", id, name: id };
}
