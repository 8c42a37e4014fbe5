/** arcan token create|list|get|rotate|revoke|revoke-all|delete, and arcan whoami */
import type { Command } from "commander";
import type { Capability, CreateTokenRequest, Token, TokenWithValue } from "#sdk";
import { csv, leaf, positiveInt, printRecord, printTable, run, UsageError, type Context } from "../context.js";

interface CreateOptions {
  name: string;
  description?: string;
  ttl?: string;
  capabilities?: string[];
  realms?: string[];
  admin?: boolean;
  rateLimit?: number;
}

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("create, list, rotate and revoke API tokens");

  leaf(token, "create", "create a token; its value is printed once")
    .requiredOption("-n, --name <name>", "a name that says who uses the token, e.g. ci-pipeline")
    .option("-d, --description <text>", "what the token is for")
    .option("--ttl <ttl>", 'lifetime: "90d", "12h", "30m", "45s" or seconds (default: never expires)')
    .option("--capabilities <list>", "comma-separated capabilities, e.g. secrets:read,leases:create (default: none; never more than you hold)", csv)
    .option("--realms <list>", 'comma-separated realms the capabilities apply in (default: "*", every realm)', csv)
    .option("--admin", "an admin token (only admins may create one)")
    .option("--rate-limit <n>", "requests per second for this token", positiveInt)
    .addHelpText("after", '\nExample:\n  arcan token create --name ci-pipeline --ttl 90d --capabilities secrets:read,leases:create --realms myapp')
    .action(
      run(async (ctx: Context) => {
        const o = ctx.options<CreateOptions>();
        const input: CreateTokenRequest = {
          name: o.name,
          ...(o.description !== undefined ? { description: o.description } : {}),
          ...(o.ttl !== undefined ? { ttl: /^\d+$/.test(o.ttl) ? Number(o.ttl) : o.ttl } : {}),
          ...(o.capabilities ? { capabilities: o.capabilities as Capability[] } : {}),
          ...(o.realms ? { realms: o.realms } : {}),
          ...(o.admin ? { is_admin: true } : {}),
          ...(o.rateLimit !== undefined ? { rate_limit: o.rateLimit } : {}),
        };
        const created = await ctx.client.tokens.create(input);
        ctx.print(created, () => printNewToken(created, "Token created."));
      }),
    );

  leaf(token, "list", "list tokens (never their values)").action(
    run(async (ctx: Context) => {
      const items: Token[] = [];
      let cursor: string | undefined;
      do {
        const page = await ctx.client.tokens.list({ limit: 500, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      ctx.print(items, () =>
        printTable(
          ["ID", "NAME", "STATUS", "CAPABILITIES", "REALMS", "EXPIRES"],
          items.map((t) => [t.id, t.name, t.status, t.is_admin ? "admin" : t.capabilities, t.realms, t.expires_at ?? "never"]),
        ),
      );
    }),
  );

  leaf(token, "get <id>", "show a token").action(
    run(async (ctx: Context, id: string) => {
      const t = await ctx.client.tokens.get(id);
      ctx.print(t, () => printToken(t));
    }),
  );

  leaf(token, "rotate <id>", "give a token a new value (same id and permissions); the old value stops working").action(
    run(async (ctx: Context, id: string) => {
      const rotated = await ctx.client.tokens.rotate(id);
      ctx.print(rotated, () => printNewToken(rotated, "Token rotated."));
    }),
  );

  leaf(token, "revoke <id>", "revoke a token now").action(
    run(async (ctx: Context, id: string) => {
      const t = await ctx.client.tokens.revoke(id);
      ctx.done(t, `Revoked token ${t.id} (${t.name}).`);
    }),
  );

  leaf(token, "revoke-all", "revoke every token (admin); yours survives unless --include-self")
    .option("--include-self", "revoke the token this command runs with as well")
    .option("-y, --yes", "confirm: required, since this cuts off every client")
    .action(
      run(async (ctx: Context) => {
        const o = ctx.options<{ includeSelf?: boolean; yes?: boolean }>();
        if (!o.yes) throw new UsageError("revoke-all revokes every token: pass --yes to confirm.");
        const result = await ctx.client.tokens.revokeAll({ includeSelf: o.includeSelf === true });
        ctx.done(result, `Revoked ${result.revoked} token(s).`);
      }),
    );

  leaf(token, "delete <id>", "delete a token").action(
    run(async (ctx: Context, id: string) => {
      await ctx.client.tokens.delete(id);
      ctx.done({ deleted: id }, `Deleted token ${id}.`);
    }),
  );
}

export function registerWhoami(program: Command): void {
  leaf(program, "whoami", "show the token this CLI runs with and its permissions").action(
    run(async (ctx: Context) => {
      const v = await ctx.client.tokens.verify();
      if (!v.valid) throw new UsageError("No valid token: set ARCAN_TOKEN (or --token) to an API token.");
      ctx.print(v, () => {
        printRecord([
          ["id", v.token_info?.id],
          ["name", v.token_info?.name],
          ["admin", v.token_info?.is_admin],
          ["expires", v.token_info?.expires_at ?? "never"],
        ]);
        for (const p of v.permissions ?? []) process.stdout.write(`realm ${p.realm}: ${p.capabilities.join(", ")}\n`);
      });
    }),
  );
}

function printToken(t: Token): void {
  printRecord([
    ["id", t.id],
    ["name", t.name],
    ["description", t.description],
    ["status", t.status],
    ["admin", t.is_admin],
    ["capabilities", t.capabilities],
    ["realms", t.realms],
    ["rate limit", t.rate_limit ?? "default"],
    ["expires", t.expires_at ?? "never"],
    ["last used", t.last_used_at ?? "never"],
    ["created", t.created_at],
    ["created by", t.created_by],
  ]);
}

function printNewToken(t: TokenWithValue, headline: string): void {
  process.stderr.write(`${headline} Store the value now: it is shown only once.\n`);
  printRecord([
    ["token", t.token],
    ["id", t.id],
    ["name", t.name],
    ["capabilities", t.is_admin ? "admin" : t.capabilities],
    ["realms", t.realms],
    ["expires", t.expires_at ?? "never"],
  ]);
}
