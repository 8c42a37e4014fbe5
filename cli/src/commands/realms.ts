/** arcan realm create|list|get|delete */
import type { Command } from "commander";
import { leaf, printRecord, printTable, run, type Context } from "../context.js";

export function registerRealmCommands(program: Command): void {
  const realm = program.command("realm").description("manage realms (the tenants that own secrets)");

  leaf(realm, "create <name>", "create a realm (name: lowercase letters, digits and '-')")
    .option("-d, --description <text>", "what the realm is for")
    .action(
      run(async (ctx: Context, name: string) => {
        const { description } = ctx.options<{ description?: string }>();
        const created = await ctx.client.realms.create({ name, ...(description !== undefined ? { description } : {}) });
        ctx.done(created, `Created realm ${created.name}.`);
      }),
    );

  leaf(realm, "list", "list the realms you may see").action(
    run(async (ctx: Context) => {
      const realms = await ctx.client.realms.list();
      ctx.print(realms, () => printTable(["NAME", "DESCRIPTION", "CREATED"], realms.map((r) => [r.name, r.description, r.created_at])));
    }),
  );

  leaf(realm, "get <name>", "show a realm").action(
    run(async (ctx: Context, name: string) => {
      const r = await ctx.client.realms.get(name);
      ctx.print(r, () => printRecord([["name", r.name], ["description", r.description], ["created", r.created_at], ["updated", r.updated_at]]));
    }),
  );

  leaf(realm, "delete <name>", "delete a realm with its secrets and bindings").action(
    run(async (ctx: Context, name: string) => {
      await ctx.client.realms.delete(name);
      ctx.done({ deleted: name }, `Deleted realm ${name}.`);
    }),
  );
}
