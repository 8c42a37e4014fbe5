import { csv, leaf, printRecord, printTable, run } from "../context.js";
export function registerRbacCommands(program) {
    const role = program.command("role").description("manage roles (named sets of capabilities)");
    leaf(role, "list", "list roles").action(run(async (ctx) => {
        const roles = await ctx.client.roles.list();
        ctx.print(roles, () => printTable(["NAME", "CAPABILITIES", "BUILTIN", "DESCRIPTION"], roles.map((r) => [r.name, r.capabilities, r.builtin ? "yes" : "", r.description])));
    }));
    leaf(role, "get <name>", "show a role").action(run(async (ctx, name) => {
        const r = await ctx.client.roles.get(name);
        ctx.print(r, () => printRecord([["name", r.name], ["description", r.description], ["capabilities", r.capabilities], ["builtin", r.builtin], ["created", r.created_at], ["updated", r.updated_at]]));
    }));
    leaf(role, "create <name>", "create a role")
        .requiredOption("--capabilities <list>", "comma-separated capabilities, e.g. secrets:read,secrets:write", csv)
        .option("-d, --description <text>", "what the role is for")
        .action(run(async (ctx, name) => {
        const { capabilities, description } = ctx.options();
        const r = await ctx.client.roles.create({ name, capabilities: capabilities, ...(description !== undefined ? { description } : {}) });
        ctx.done(r, `Created role ${r.name}.`);
    }));
    leaf(role, "delete <name>", "delete a role and its bindings").action(run(async (ctx, name) => {
        await ctx.client.roles.delete(name);
        ctx.done({ deleted: name }, `Deleted role ${name}.`);
    }));
    const binding = program.command("binding").description("give subjects roles in realms");
    leaf(binding, "list", "list role bindings").action(run(async (ctx) => {
        const items = await ctx.client.bindings.list();
        ctx.print(items, () => printTable(["ID", "SUBJECT", "ROLE", "REALM", "CREATED"], items.map((b) => [b.id, b.subject, b.role, b.realm, b.created_at])));
    }));
    leaf(binding, "create", "give a subject a role in a realm")
        .requiredOption("--subject <subject>", '"user:<name>" or "token:<id>"')
        .requiredOption("--role <role>", "role name")
        .requiredOption("--realm <realm>", 'realm name, or "*" for every realm')
        .action(run(async (ctx) => {
        const { subject, role: roleName, realm } = ctx.options();
        const b = await ctx.client.bindings.create({ subject, role: roleName, realm });
        ctx.done(b, `Created binding ${b.id}: ${b.subject} has role ${b.role} in ${b.realm}.`);
    }));
    leaf(binding, "delete <id>", "remove a binding").action(run(async (ctx, id) => {
        await ctx.client.bindings.delete(id);
        ctx.done({ deleted: id }, `Deleted binding ${id}.`);
    }));
}
//# sourceMappingURL=rbac.js.map