import { leaf, printRecord, printTable, run } from "../context.js";
export function registerRealmCommands(program) {
    const realm = program.command("realm").description("manage realms (the tenants that own secrets)");
    leaf(realm, "create <name>", "create a realm (name: lowercase letters, digits and '-')")
        .option("-d, --description <text>", "what the realm is for")
        .action(run(async (ctx, name) => {
        const { description } = ctx.options();
        const created = await ctx.client.realms.create({ name, ...(description !== undefined ? { description } : {}) });
        ctx.done(created, `Created realm ${created.name}.`);
    }));
    leaf(realm, "list", "list the realms you may see").action(run(async (ctx) => {
        const realms = await ctx.client.realms.list();
        ctx.print(realms, () => printTable(["NAME", "DESCRIPTION", "CREATED"], realms.map((r) => [r.name, r.description, r.created_at])));
    }));
    leaf(realm, "get <name>", "show a realm").action(run(async (ctx, name) => {
        const r = await ctx.client.realms.get(name);
        ctx.print(r, () => printRecord([["name", r.name], ["description", r.description], ["created", r.created_at], ["updated", r.updated_at]]));
    }));
    leaf(realm, "delete <name>", "delete a realm with its secrets and bindings").action(run(async (ctx, name) => {
        await ctx.client.realms.delete(name);
        ctx.done({ deleted: name }, `Deleted realm ${name}.`);
    }));
}
//# sourceMappingURL=realms.js.map