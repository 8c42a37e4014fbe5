/** arcan audit search|verify */
import { Option, type Command } from "commander";
import type { AuditFilters } from "#sdk";
import { leaf, positiveInt, printTable, run, type Context } from "../context.js";

interface SearchOptions {
  realm?: string;
  actor?: string;
  action?: string;
  outcome?: "success" | "denied" | "failure";
  requestId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("search and verify the audit trail");

  leaf(audit, "search", "search audit records, newest first")
    .option("--realm <realm>", "only this realm")
    .option("--actor <subject>", 'only this actor, e.g. "token:tok_…" or "user:alice"')
    .option("--action <action>", "only this action, e.g. secret.read")
    .addOption(new Option("--outcome <outcome>", "only this outcome").choices(["success", "denied", "failure"]))
    .option("--request-id <id>", "only this request")
    .option("--from <time>", "from this time (ISO 8601, e.g. 2026-01-31T00:00:00Z)")
    .option("--to <time>", "up to this time (ISO 8601)")
    .option("--limit <n>", "at most this many records (1-500)", positiveInt, 50)
    .option("--cursor <cursor>", "continue after a previous page (printed to stderr when there are more)")
    .action(
      run(async (ctx: Context) => {
        const o = ctx.options<SearchOptions>();
        const filters: AuditFilters = { limit: o.limit };
        for (const k of ["realm", "actor", "action", "outcome", "from", "to", "cursor"] as const) if (o[k] !== undefined) Object.assign(filters, { [k]: o[k] });
        if (o.requestId !== undefined) filters.request_id = o.requestId;
        const page = await ctx.client.audit.search(filters);
        ctx.print(page, () => {
          printTable(
            ["TIME", "ACTOR", "ACTION", "REALM", "RESOURCE", "OUTCOME", "STATUS", "REQUEST"],
            page.items.map((r) => [r.time, r.actor, r.action, r.realm, r.resource, r.outcome, r.status, r.request_id]),
            "(no records)",
          );
          if (page.next_cursor) process.stderr.write(`more: --cursor ${page.next_cursor}\n`);
        });
      }),
    );

  leaf(audit, "verify", "check the tamper-evident hash chain (exit 1 when it is broken)").action(
    run(async (ctx: Context) => {
      const v = await ctx.client.audit.verify();
      ctx.print(v, () => {
        if (v.valid) process.stdout.write(`Audit chain intact: ${v.checked} record(s) checked.\n`);
      });
      if (!v.valid) {
        const b = v.first_broken;
        process.stderr.write(`Audit chain broken${b ? ` at record ${b.seq} (${b.id}): ${b.reason}` : ""}.\n`);
        process.exitCode = 1;
      }
    }),
  );
}
