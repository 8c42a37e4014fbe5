/** The `arcan` command tree (commander) and how its outcomes map to exit codes. */
import { Command, CommanderError } from "commander";
import { ArcanError } from "#sdk";
import { registerAuditCommands } from "./commands/audit.js";
import { registerRbacCommands } from "./commands/rbac.js";
import { registerRealmCommands } from "./commands/realms.js";
import { registerSecretCommands } from "./commands/secrets.js";
import { registerTokenCommands, registerWhoami } from "./commands/tokens.js";
import { registerPluginCommands } from "./commands/plugins.js";
import { registerEngineCommands } from "./commands/engines.js";
import { registerLeaseCommands } from "./commands/leases.js";
import { addConnectionOptions, UsageError } from "./context.js";
import { registerAgentCommands } from "./commands/agents.js";
import { registerAuthorizeCommand, registerPolicyCommands, registerReviewCommands } from "./commands/authorization.js";
import { registerAgentCommand } from "./commands/agent.js";

export const EXIT = { ok: 0, apiError: 1, usage: 2 } as const;

export function buildProgram(version: string): Command {
  const program = new Command("arcan")
    .description("Command-line client for Arcan, the secrets and access-control plane.")
    .version(version, "-V, --version", "print the CLI version")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .enablePositionalOptions()
    .addHelpText(
      "after",
      [
        "",
        "Configuration (environment):",
        "  ARCAN_ADDR         server address, e.g. https://arcan.example.com:8443",
        "  ARCAN_TOKEN        API token (arc_…)",
        "  ARCAN_CACERT       PEM file of a CA certificate to trust (a self-signed server's <data_dir>/tls.crt)",
        "  ARCAN_SKIP_VERIFY  true: do not verify the TLS certificate (development only)",
        "  ARCAN_REALM        default realm for secret commands",
        "",
        "Exit codes: 0 success, 1 API error (the problem's title and detail on stderr), 2 bad usage.",
      ].join("\n"),
    );
  addConnectionOptions(program);
  registerRealmCommands(program);
  registerSecretCommands(program);
  registerTokenCommands(program);
  registerRbacCommands(program);
  registerAuditCommands(program);
  registerWhoami(program);
  registerPluginCommands(program);
  registerAgentCommands(program);
  registerPolicyCommands(program);
  registerReviewCommands(program);
  registerAuthorizeCommand(program);
  registerEngineCommands(program);
  registerLeaseCommands(program);
  registerAgentCommand(program);
  return program;
}

/** Node's codes for a certificate chain it cannot verify (self-signed, unknown CA). */
const UNTRUSTED_CERTIFICATE = /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/;

/** Runs the CLI and returns its exit code; never throws. */
export async function main(argv: string[], version: string): Promise<number> {
  const program = buildProgram(version);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    return report(err, argv.includes("--json"));
  }
}

function report(err: unknown, json: boolean): number {
  // Commander has already printed its message (or the help) to the right stream.
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof UsageError) {
    process.stderr.write(`arcan: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof ArcanError) {
    if (json) process.stderr.write(`${JSON.stringify(err.problem ?? { status: err.status, code: err.code, title: err.title, detail: err.detail }, null, 2)}\n`);
    else {
      process.stderr.write(`arcan: ${err.title}: ${err.detail}\n`);
      const where = [err.status ? `status ${err.status}` : null, `code ${err.code}`, err.requestId ? `request ${err.requestId}` : null].filter(Boolean).join(", ");
      process.stderr.write(`       (${where})\n`);
      for (const e of err.errors) process.stderr.write(`       ${e.field}: ${e.message}\n`);
      if (err.code === "connection_failed" && UNTRUSTED_CERTIFICATE.test(err.detail)) {
        process.stderr.write("hint: the server's certificate is not trusted. For a self-signed server, trust its certificate with\n");
        process.stderr.write("      ARCAN_CACERT=<data_dir>/tls.crt (or --ca-cert), or, for development only, set ARCAN_SKIP_VERIFY=true.\n");
      }
    }
    return EXIT.apiError;
  }
  if (err instanceof TypeError && /realm is required/i.test(err.message)) {
    process.stderr.write(`arcan: ${err.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`arcan: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.apiError;
}
