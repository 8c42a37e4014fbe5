import { harness, buildPackage, newSigningKey, CREATE_REQUEST } from "../test/plugins/helpers.ts";
const key = newSigningKey();
const h = await harness({ ARCAN_PLUGINS_TRUSTED_KEYS: key.publicBase64, ARCAN_PLUGINS_SQL_TIMEOUT_MS: "300" });
const pkg = buildPackage(key.privateKey, `export async function create(ctx, { role }) { const r = await ctx.sql(role.options.sql, role.options.params); return { credentials: { rows: JSON.stringify(r.rows) } }; }\nexport async function revoke() {}`, { name: "pgq", engine_type: "pgq", host_functions: ["sql"] });
const d = h.plugins.runtime.activate(await h.plugins.runtime.load(pkg.envelope, pkg.files));
try { console.log(await d.create(h.mount("pgq", { connection_url: "postgresql://postgres@127.0.0.1:5432/postgres" }), CREATE_REQUEST({ sql: "SELECT $1::int + 1 AS n", params: [41] }))); } catch (e) { console.log("ERR", (e as any).cause?.original ?? e); }
await h.close();
