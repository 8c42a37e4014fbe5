/** arcan lease create|list|renew|revoke|revoke-prefix */
import type { Command } from "commander";
import type { LeaseInfo } from "#sdk";
import { leaf, printRecord, printTable, realmOption, run, type Context } from "../context.js";

const ttlValue = (v: string) => (/^\d+$/.test(v) ? Number(v) : v);
const STATES = ["active", "revoked", "expired", "revoke_failed"];

export function registerLeaseCommands(program: Command): void {
  const lease = program.command("lease").description("dynamic credentials: issue, list, renew and revoke leases");

  leaf(lease, "create <engine> <role>", "issue credentials from an engine role; they are printed once")
    .addOption(realmOption())
    .option("--ttl <ttl>", 'lifetime, e.g. "1h" (default: the role\'s default_ttl; capped by its max_ttl)')
    .addHelpText("after", "\nExample:\n  arcan lease create --realm myapp pg readonly --ttl 1h")
    .action(
      run(async (ctx: Context, engine: string, role: string) => {
        const { realm, ttl } = ctx.options<{ realm: string; ttl?: string }>();
        const l = await ctx.client.lease.create(engine, role, { realm, ...(ttl !== undefined ? { ttl: ttlValue(ttl) } : {}) });
        ctx.print(l, () => {
          printRecord([["lease_id", l.lease_id], ...Object.entries(l.credentials).map(([k, v]): [string, unknown] => [k, v]), ["expires_at", l.expires_at]]);
          for (const w of l.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
          process.stderr.write("The credentials are shown only this once.\n");
        });
      }),
    );

  leaf(lease, "list", "list leases (no credentials)")
    .addOption(realmOption())
    .option("--engine <name>", "only this engine's")
    .option("--role <name>", "only this role's")
    .option("--state <state>", `one of ${STATES.join(", ")}`)
    .action(
      run(async (ctx: Context) => {
        const { realm, engine, role, state } = ctx.options<{ realm: string; engine?: string; role?: string; state?: LeaseInfo["state"] }>();
        const items: LeaseInfo[] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.client.lease.list({ realm, limit: 500, ...(engine ? { engine } : {}), ...(role ? { role } : {}), ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        ctx.print(items, () =>
          printTable(["LEASE", "ENGINE", "ROLE", "STATE", "EXPIRES", "LAST ERROR"], items.map((l) => [l.lease_id, l.engine, l.role, l.state, l.expires_at, l.last_error])),
        );
      }),
    );

  leaf(lease, "renew <lease-id>", "extend a lease from now (never past issued_at + the role's max_ttl)")
    .addOption(realmOption())
    .option("--increment <ttl>", 'e.g. "30m" (default: the lease\'s TTL)')
    .action(
      run(async (ctx: Context, id: string) => {
        const { realm, increment } = ctx.options<{ realm: string; increment?: string }>();
        const l = await ctx.client.lease.renew(id, { realm, ...(increment !== undefined ? { increment: ttlValue(increment) } : {}) });
        ctx.print(l, () => {
          process.stdout.write(`Lease ${l.lease_id} now expires at ${l.expires_at}.\n`);
          for (const w of l.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
        });
      }),
    );

  leaf(lease, "revoke <lease-id>", "revoke now: the credentials stop working before this returns")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, id: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        const l = await ctx.client.lease.revoke(id, { realm });
        ctx.done(l, `Revoked lease ${l.lease_id}.`);
      }),
    );

  leaf(lease, "revoke-prefix <engine> [role]", "revoke every active lease of an engine (or of one of its roles)")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, engine: string, role: string | undefined) => {
        const { realm } = ctx.options<{ realm: string }>();
        const r = await ctx.client.lease.revokePrefix(engine, { realm, ...(role ? { role } : {}) });
        ctx.print(r, () => {
          process.stdout.write(`Revoked ${r.revoked.length} lease(s).\n`);
          for (const f of r.failed) process.stderr.write(`failed: ${f.lease_id}: ${f.error}\n`);
        });
        if (r.failed.length > 0) process.exitCode = 1;
      }),
    );
}
