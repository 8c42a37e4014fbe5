/** arcan policy create|validate|simulate|activate|list, arcan review list|approve|deny, arcan authorize */
import { readFileSync } from "node:fs";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { AuthorizeRequest } from "#sdk";
import { leaf, positiveInt, printRecord, printTable, readStdin, run, UsageError, type Context } from "../context.js";

function jsonObject(value: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below with the same message.
  }
  throw new InvalidArgumentError("expected a JSON object, e.g. '{\"ticket\":\"FIN-1\"}'.");
}

function resourceArg(value: string): { type: string; id: string } {
  const slash = value.indexOf("/");
  if (slash <= 0 || slash === value.length - 1) throw new InvalidArgumentError('expected "<type>/<id>", e.g. project/FIN-OPS.');
  return { type: value.slice(0, slash), id: value.slice(slash + 1) };
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command("policy").description("Cedar policy versions: create, validate, simulate, activate");

  leaf(policy, "list", "policy versions, newest first").action(
    run(async (ctx: Context) => {
      const page = await ctx.client.policies.list({ limit: 100 });
      ctx.print(page, () =>
        printTable(
          ["VERSION", "ID", "STATE", "RULES", "CREATED", "DESCRIPTION"],
          page.items.map((v) => [v.version, v.id, v.state, v.rules.length, v.created_at, v.description]),
          "(no policy versions)",
        ),
      );
    }),
  );

  leaf(policy, "create", "create a draft version from a Cedar file")
    .requiredOption("-f, --file <path>", 'the Cedar document ("-" reads stdin)')
    .option("--description <text>", "what this version changes")
    .action(
      run(async (ctx: Context) => {
        const { file, description } = ctx.options<{ file: string; description?: string }>();
        let source: string;
        try {
          source = file === "-" ? await readStdin() : readFileSync(file, "utf8");
        } catch {
          throw new UsageError(`Cannot read the policy file "${file}".`);
        }
        const v = await ctx.client.policies.create({ source, ...(description ? { description } : {}) });
        ctx.done(v, `Created policy version ${v.version} (${v.id}) with ${v.rules.length} rule(s), state ${v.state}.`);
      }),
    );

  leaf(policy, "validate <id>", "check a version against the Cedar schema (exit 1 when it has errors)").action(
    run(async (ctx: Context, id: string) => {
      const v = await ctx.client.policies.validate(id);
      ctx.print(v, () => {
        if (v.valid) process.stdout.write("Valid.\n");
        for (const e of v.errors) process.stdout.write(`${e.policy_id ?? "(document)"}: ${e.message}\n`);
      });
      if (!v.valid) process.exitCode = 1;
    }),
  );

  leaf(policy, "simulate <id>", "replay recorded decisions against a version and show what would change")
    .option("--from <time>", "decisions recorded from this time (ISO 8601)")
    .option("--to <time>", "… up to this time")
    .option("--limit <n>", "most recent decisions to replay (default 1000)", positiveInt)
    .action(
      run(async (ctx: Context, id: string) => {
        const { from, to, limit } = ctx.options<{ from?: string; to?: string; limit?: number }>();
        const sim = await ctx.client.policies.simulate(id, { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(limit ? { limit } : {}) });
        ctx.print(sim, () => {
          process.stdout.write(`Replayed ${sim.replayed} decision(s) against version ${sim.version}: ${sim.changed} would change.\n`);
          printTable(["CHANGE", "COUNT"], Object.entries(sim.deltas), "(no changes)");
          if (sim.examples.length) {
            process.stdout.write("\n");
            printTable(["DECISION", "ACTION", "RESOURCE", "BEFORE", "AFTER", "RULE AFTER"], sim.examples.map((e) => [e.decision_id, e.action, e.resource, e.before, e.after, e.policy_id_after]));
          }
        });
      }),
    );

  leaf(policy, "activate <id>", "enforce a version, or run it in shadow beside the enforced one")
    .addOption(new Option("--mode <mode>", "enforce or shadow").choices(["enforce", "shadow"]).default("enforce"))
    .action(
      run(async (ctx: Context, id: string) => {
        const { mode } = ctx.options<{ mode: "enforce" | "shadow" }>();
        const v = await ctx.client.policies.activate(id, mode);
        ctx.done(v, `Policy version ${v.version} is now ${v.state}.`);
      }),
    );
}

export function registerReviewCommands(program: Command): void {
  const review = program.command("review").description("step-up reviews: list, approve, deny");

  leaf(review, "list", "reviews, pending first")
    .addOption(new Option("--state <state>", "only this state").choices(["pending", "approved", "denied", "expired"]))
    .action(
      run(async (ctx: Context) => {
        const { state } = ctx.options<{ state?: "pending" | "approved" | "denied" | "expired" }>();
        const page = await ctx.client.reviews.list({ ...(state ? { state } : {}) });
        ctx.print(page, () =>
          printTable(
            ["ID", "STATE", "USER", "AGENT", "ACTION", "RESOURCE", "RULE", "TASK", "EXPIRES"],
            page.items.map((r) => [r.id, r.state, r.user.id, r.agent.id, r.action, `${r.resource.type}/${r.resource.id}`, r.policy_id, r.task, r.expires_at]),
            "(no reviews)",
          ),
        );
      }),
    );

  leaf(review, "approve <id>", "approve: the same request is allowed until the ttl")
    .option("--note <text>", "why (kept in the audit log)")
    .option("--ttl <ttl>", 'how long the approval lasts, e.g. "30m" (default 15m)')
    .action(
      run(async (ctx: Context, id: string) => {
        const { note, ttl } = ctx.options<{ note?: string; ttl?: string }>();
        const r = await ctx.client.reviews.approve(id, { ...(note ? { note } : {}), ...(ttl ? { ttl } : {}) });
        ctx.done(r, `Approved ${r.id}: ${r.action} on ${r.resource.type}/${r.resource.id} is allowed until ${r.approved_until}.`);
      }),
    );

  leaf(review, "deny <id>", "deny: the request stays denied")
    .option("--note <text>", "why (kept in the audit log)")
    .action(
      run(async (ctx: Context, id: string) => {
        const { note } = ctx.options<{ note?: string }>();
        const r = await ctx.client.reviews.deny(id, { ...(note ? { note } : {}) });
        ctx.done(r, `Denied ${r.id}.`);
      }),
    );
}

export function registerAuthorizeCommand(program: Command): void {
  leaf(program, "authorize", "ask for one decision (allow, review or deny) as an enforcement point would")
    .requiredOption("--action <action>", "the action, e.g. jira.read")
    .requiredOption("--resource <type/id>", "the resource, e.g. project/FIN-OPS", resourceArg)
    .addOption(new Option("--sts-token <jwt>", "the agent's STS token").env("ARCAN_STS_TOKEN"))
    .option("--principal <json>", 'instead of a token: the composite identity, e.g. \'{"user":{"id":"u.olsen","roles":["finance"]},"agent":{"id":"pk-93f","trust_tier":2}}\'', jsonObject)
    .option("--attributes <json>", "resource attributes (JSON object)", jsonObject)
    .option("--context <json>", "request context (JSON object)", jsonObject)
    .action(
      run(async (ctx: Context) => {
        const o = ctx.options<{ action: string; resource: { type: string; id: string }; stsToken?: string; principal?: Record<string, unknown>; attributes?: Record<string, unknown>; context?: Record<string, unknown> }>();
        if ((o.stsToken === undefined) === (o.principal === undefined)) throw new UsageError("Give exactly one of --sts-token (or ARCAN_STS_TOKEN) and --principal.");
        const request = {
          action: o.action,
          resource: { ...o.resource, ...(o.attributes ? { attributes: o.attributes } : {}) },
          ...(o.context ? { context: o.context } : {}),
          ...(o.stsToken !== undefined ? { token: o.stsToken } : { principal: o.principal }),
        } as AuthorizeRequest;
        const d = await ctx.client.authorize(request);
        ctx.print(d, () =>
          printRecord([
            ["decision", d.decision],
            ["rule", d.policy_id],
            ["policy version", d.policy_version],
            ["reasons", d.reasons],
            ["review", d.review_id],
            ["decision id", d.decision_id],
            ["evaluated in", `${d.evaluated_in_us} µs`],
          ]),
        );
      }),
    );
}
