import { PluginSandbox } from "../server/plugins/sandbox.ts";
const sb = await PluginSandbox.create();
const limits = { memoryBytes: 32 << 20, timeoutMs: 2000, hostCalls: 100 };
const src = `export async function create(ctx) { const v = await ctx.storage.get("k"); return { credentials: { v: String(v) } }; }\nexport async function revoke() {}\n`;
const call = () => sb.call({ source: src, filename: "p.js", exportName: "create", argument: { a: 1 }, declared: new Set(["storage"]), config: {}, host: async () => null, limits });
for (let i = 0; i < 50; i++) await call();
let t = performance.now();
for (let i = 0; i < 300; i++) await call();
console.log("sandbox call us", ((performance.now() - t) * 1000 / 300).toFixed(0));
