/** arcan secret put|get|list|delete|versions (the KV engine) */
import type { Command } from "commander";
import type { SecretMetadata } from "#sdk";
import { leaf, positiveInt, printTable, readStdin, realmOption, run, type Context } from "../context.js";

export function registerSecretCommands(program: Command): void {
  const secret = program.command("secret").description("read and write secrets in a realm (KV engine)");

  leaf(secret, "put <key> <value>", 'write a new version; "-" as the value reads it from stdin (keeps it out of shell history)')
    .addOption(realmOption())
    .option("--cas <version>", "check-and-set: the version you expect to be current (0 = the key must not exist)", (v) => positiveInt(v))
    .addHelpText("after", "\nExamples:\n  arcan secret put --realm myapp DATABASE_URL -  < url.txt\n  arcan secret put --realm myapp API_KEY s3cr3t --cas 2")
    .action(
      run(async (ctx: Context, key: string, value: string) => {
        const { realm, cas } = ctx.options<{ realm: string; cas?: number }>();
        const text = value === "-" ? await readStdin() : value;
        const written = await ctx.client.kv.set(key, text, { realm, ...(cas !== undefined ? { cas } : {}) });
        ctx.done(written, `Wrote ${written.key} version ${written.version} in realm ${realm}.`);
      }),
    );

  leaf(secret, "get <key>", "print a secret's value (with --json: the value and its metadata)")
    .addOption(realmOption())
    .option("--version <n>", "a past version (default: the current one)", positiveInt)
    .action(
      run(async (ctx: Context, key: string) => {
        const { realm, version } = ctx.options<{ realm: string; version?: number }>();
        const s = await ctx.client.kv.read(key, { realm, ...(version !== undefined ? { version } : {}) });
        ctx.print(s, () => process.stdout.write(s.value.endsWith("\n") ? s.value : `${s.value}\n`));
      }),
    );

  leaf(secret, "list", "list keys and metadata (never values)")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context) => {
        const { realm } = ctx.options<{ realm: string }>();
        const items: SecretMetadata[] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.client.kv.list({ realm, limit: 500, ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        ctx.print(items, () => printTable(["KEY", "VERSION", "UPDATED"], items.map((s) => [s.key, s.version, s.updated_at])));
      }),
    );

  leaf(secret, "delete <key>", "delete a secret and all its versions")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, key: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        await ctx.client.kv.delete(key, { realm });
        ctx.done({ deleted: key, realm }, `Deleted ${key} from realm ${realm}.`);
      }),
    );

  leaf(secret, "versions <key>", "list a secret's versions (no values)")
    .addOption(realmOption())
    .action(
      run(async (ctx: Context, key: string) => {
        const { realm } = ctx.options<{ realm: string }>();
        const versions = await ctx.client.kv.versions(key, { realm });
        ctx.print(versions, () =>
          printTable(["VERSION", "CREATED", "CREATED BY", "CURRENT"], versions.map((v) => [v.version, v.created_at, v.created_by, v.current ? "yes" : ""])),
        );
      }),
    );
}

