/**
 * arcan plugin list|install|upgrade|remove (against a server) and, for authors,
 * arcan plugin sign --key <file> <dir> and arcan plugin verify <envelope> (offline).
 * The package format is api-v1.md's: a DSSE envelope over the manifest, Ed25519.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { leaf, printTable, run, UsageError, type Context } from "../context.js";

const MANIFEST_TYPE = "application/vnd.arcan.plugin-manifest.v1+json";
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

interface Envelope {
  payloadType: string;
  payload: string;
  signatures?: { keyid?: string; sig: string }[];
}

const pae = (type: string, body: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
const rawKey = (key: KeyObject) => key.export({ format: "der", type: "spki" }).subarray(-32);
const keyId = (raw: Buffer) => `ed25519:${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    throw new UsageError(`Cannot read JSON from "${file}".`);
  }
}

/** Signs <dir>/manifest.json with the files it lists; writes <dir>/envelope.json. */
function signDirectory(dir: string, keyFile: string): { envelope: Envelope; file: string } {
  const key = createPrivateKey(readFileSync(keyFile));
  const manifest = readJson<Record<string, unknown> & { entry: string; package_files?: string[] }>(path.join(dir, "manifest.json"));
  const names = manifest.package_files ?? [manifest.entry];
  delete manifest.package_files;
  manifest.files = Object.fromEntries(names.map((name) => [name, ((d: Buffer) => ({ sha256: sha256(d), size: d.length }))(readFileSync(path.join(dir, name)))]));
  const payload = Buffer.from(JSON.stringify(manifest));
  const envelope: Envelope = { payloadType: MANIFEST_TYPE, payload: payload.toString("base64"), signatures: [{ keyid: keyId(rawKey(createPublicKey(key))), sig: sign(null, pae(MANIFEST_TYPE, payload), key).toString("base64") }] };
  const file = path.join(dir, "envelope.json");
  writeFileSync(file, `${JSON.stringify(envelope, null, 2)}\n`);
  return { envelope, file };
}

/** Checks an envelope against trusted keys (--trusted-key, repeatable) and the files next to it. */
function verifyEnvelope(file: string, trusted: string[]): { keyid: string; manifest: Record<string, unknown> } {
  const envelope = readJson<Envelope>(file);
  if (envelope.payloadType !== MANIFEST_TYPE) throw new UsageError(`payloadType is not ${MANIFEST_TYPE}.`);
  if (!envelope.signatures?.length) throw new UsageError("The envelope has no signature.");
  const payload = Buffer.from(envelope.payload, "base64");
  const keys = trusted.map((b64) => Buffer.from(b64, "base64")).filter((raw) => raw.length === 32);
  const signer = envelope.signatures.flatMap((s) =>
    keys.filter((raw) => (!s.keyid || s.keyid === keyId(raw)) && verify(null, pae(envelope.payloadType, payload), createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" }), Buffer.from(s.sig, "base64"))),
  )[0];
  if (!signer) throw new UsageError(`No signature verifies with a trusted key (signed by ${envelope.signatures.map((s) => s.keyid ?? "?").join(", ")}).`);
  const manifest = JSON.parse(payload.toString("utf8")) as { files?: Record<string, { sha256: string; size: number }> };
  for (const [name, meta] of Object.entries(manifest.files ?? {})) {
    const data = readFileSync(path.join(path.dirname(file), name));
    if (data.length !== meta.size || sha256(data) !== meta.sha256) throw new UsageError(`File ${name} does not match its signed hash and size.`);
  }
  return { keyid: keyId(signer), manifest };
}

export function registerPluginCommands(program: Command): void {
  const plugin = program.command("plugin").description("signed, sandboxed engine plugins");

  leaf(plugin, "list", "installed plugins with state, version, signer and host functions").action(
    run(async (ctx: Context) => {
      const items = await ctx.client.plugins.list();
      ctx.print(items, () => printTable(["NAME", "VERSION", "ENGINE TYPE", "STATE", "SIGNER", "HOST FUNCTIONS"], items.map((p) => [p.name, p.version, p.engine_type, p.state, p.signer_key_id, p.host_functions.join(",")]), "(no plugins)"));
    }),
  );
  leaf(plugin, "install <name> <version>", "install a plugin from the server's registry").action(
    run(async (ctx: Context, name: string, version: string) => {
      const p = await ctx.client.plugins.install({ name, version });
      ctx.done(p, `installed ${p.name} ${p.version} (engine type ${p.engine_type}, signed by ${p.signer_key_id})`);
    }),
  );
  leaf(plugin, "upgrade <name> <version>", "upgrade a plugin (mounts move once the new version passes health)").action(
    run(async (ctx: Context, name: string, version: string) => {
      const p = await ctx.client.plugins.upgrade(name, version);
      ctx.done(p, `upgraded ${p.name} to ${p.version}`);
    }),
  );
  leaf(plugin, "remove <name>", "remove a plugin (refused while a mount uses it)").action(
    run(async (ctx: Context, name: string) => {
      await ctx.client.plugins.remove(name);
      ctx.done(null, `removed ${name}`);
    }),
  );
  plugin
    .command("sign <dir>")
    .description("sign <dir>/manifest.json and its files into <dir>/envelope.json (offline)")
    .requiredOption("--key <file>", "PEM file of the Ed25519 private key")
    .action((dir: string, opts: { key: string }) => {
      const { envelope, file } = signDirectory(dir, opts.key);
      process.stdout.write(`wrote ${file} (signed by ${envelope.signatures![0]!.keyid})\n`);
    });
  plugin
    .command("verify <envelope>")
    .description("check an envelope's signature and the files next to it (offline)")
    .option("--trusted-key <base64>", "a trusted public key (base64 of the raw 32 bytes); repeatable", (v: string, all: string[]) => [...all, v], [] as string[])
    .action((file: string, opts: { trustedKey: string[] }) => {
      const keys = opts.trustedKey.length > 0 ? opts.trustedKey : (process.env.ARCAN_PLUGINS_TRUSTED_KEYS ?? "").split(",").filter(Boolean);
      const { keyid, manifest } = verifyEnvelope(file, keys);
      process.stdout.write(`ok: ${String(manifest.name)} ${String(manifest.version)} signed by ${keyid}\n`);
    });
}
