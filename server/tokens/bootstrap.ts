/**
 * First-start admin token and forced recovery (Arc's bootstrap rules, ARCAN_* names).
 * Returns the value to print when one was generated here; operator-chosen values are
 * never printed.
 */
import { displayPrefix, generateToken, hashToken } from "../crypto/token-format";
import { newId } from "../ids";
import type { Db, Store } from "../store/client";

export const RECOVERY_TOKEN_NAME = "arcan-recovery";

export type BootstrapOutcome =
  | { kind: "created"; name: string; printedValue: string | null }
  | { kind: "unchanged" };

/** Processes that start together on an empty PostgreSQL store take turns (one transaction-scoped lock), so one admin token is made. */
const PG_BOOTSTRAP_LOCK = 7_242_011;

export async function ensureBootstrapToken(db: Db, provider: Store["provider"], opts: { value: string; force: boolean }): Promise<BootstrapOutcome[]> {
  if (provider !== "postgresql") return bootstrap(db, opts);
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_BOOTSTRAP_LOCK})`);
    return bootstrap(tx as unknown as Db, opts);
  });
}

async function bootstrap(db: Db, opts: { value: string; force: boolean }): Promise<BootstrapOutcome[]> {
  const outcomes: BootstrapOutcome[] = [];
  if ((await db.token.count()) === 0) {
    const value = opts.value || generateToken("arc_");
    await createAdmin(db, "bootstrap-admin", value);
    outcomes.push({ kind: "created", name: "bootstrap-admin", printedValue: opts.value ? null : value });
    return outcomes;
  }
  if (opts.force && opts.value) {
    const existing = await db.token.findFirst({ where: { name: RECOVERY_TOKEN_NAME } });
    if (!existing) {
      await createAdmin(db, RECOVERY_TOKEN_NAME, opts.value);
      outcomes.push({ kind: "created", name: RECOVERY_TOKEN_NAME, printedValue: null });
      return outcomes;
    }
  }
  outcomes.push({ kind: "unchanged" });
  return outcomes;
}

async function createAdmin(db: Db, name: string, value: string) {
  await db.token.create({
    data: {
      id: newId("tok"),
      name,
      description: name === RECOVERY_TOKEN_NAME ? "Recovery admin token added by ARCAN_FORCE_BOOTSTRAP" : "Admin token created on first start",
      prefix: displayPrefix(value),
      hash: hashToken(value),
      isAdmin: true,
      capabilities: JSON.stringify(["admin"]),
      realms: JSON.stringify(["*"]),
      createdBy: "system",
    },
  });
}
