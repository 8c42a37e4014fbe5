/** arcan agents create|list|rotate|disable (the singular `arcan agent` is reserved for the sidecar) */
import type { Command } from "commander";
import type { Agent, AgentWithCredential } from "#sdk";
import { csv, leaf, printRecord, printTable, run, UsageError, type Context } from "../context.js";

interface CreateOptions {
  name: string;
  tier: string;
  scopes?: string[];
  description?: string;
}

export function registerAgentCommands(program: Command): void {
  const agents = program.command("agents").description("register agents, rotate their credentials, disable them");

  leaf(agents, "create", "register an agent; its agt_ credential is printed once")
    .requiredOption("-n, --name <name>", "the agent's name, e.g. invoice-reconciler")
    .requiredOption("--tier <0-3>", "trust tier, 0 (least trusted) to 3")
    .option("--scopes <list>", "comma-separated allowed scopes, e.g. jira.read:project/FIN-*,confluence.write:space/FIN-OPS", csv)
    .option("-d, --description <text>", "what the agent does")
    .addHelpText("after", "\nExample:\n  arcan agents create --name invoice-reconciler --tier 2 --scopes 'jira.read:project/FIN-*,confluence.write:space/FIN-OPS'")
    .action(
      run(async (ctx: Context) => {
        const o = ctx.options<CreateOptions>();
        if (!/^[0-3]$/.test(o.tier)) throw new UsageError("--tier must be 0, 1, 2 or 3.");
        const created = await ctx.client.agents.create({
          name: o.name,
          trust_tier: Number(o.tier),
          allowed_scopes: o.scopes ?? [],
          ...(o.description !== undefined ? { description: o.description } : {}),
        });
        ctx.print(created, () => printNewCredential(created, "Agent registered."));
      }),
    );

  leaf(agents, "list", "list agents (never their credentials)").action(
    run(async (ctx: Context) => {
      const items: Agent[] = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.client.agents.list({ limit: 500, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      ctx.print(items, () =>
        printTable(
          ["ID", "NAME", "TIER", "STATUS", "ALLOWED SCOPES"],
          items.map((a) => [a.id, a.name, a.trust_tier, a.disabled ? "disabled" : "active", a.allowed_scopes]),
        ),
      );
    }),
  );

  leaf(agents, "rotate <id>", "give an agent a new credential; the old one stops exchanging").action(
    run(async (ctx: Context, id: string) => {
      const rotated = await ctx.client.agents.rotate(id);
      ctx.print(rotated, () => printNewCredential(rotated, "Credential rotated."));
    }),
  );

  leaf(agents, "disable <id>", "disable an agent: its tokens stop working at once").action(
    run(async (ctx: Context, id: string) => {
      const a = await ctx.client.agents.disable(id);
      ctx.done(a, `Disabled agent ${a.id} (${a.name}).`);
    }),
  );
}

function printNewCredential(a: AgentWithCredential, headline: string): void {
  process.stderr.write(`${headline} Store the credential now: it is shown only once.\n`);
  printRecord([
    ["credential", a.credential],
    ["id", a.id],
    ["name", a.name],
    ["trust tier", a.trust_tier],
    ["allowed scopes", a.allowed_scopes],
  ]);
}
