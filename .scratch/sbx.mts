import { PluginSandbox } from "/work/wt10/server/plugins/sandbox.ts";
const sb = await PluginSandbox.create();
const limits = { memoryBytes: 8 << 20, timeoutMs: 100, hostCalls: 10 };
const host = async (name: string, args: unknown[]) => { await new Promise(r => setTimeout(r, 5)); return { name, args, rows: [{ a: 1 }] }; };
const run = async (src: string, declared = ["sql"]) => {
  const t = performance.now();
  try { const r = await sb.call({ source: src, filename: "p.js", exportName: "create", argument: { x: 1 }, declared: new Set(declared), config: { a: 1 }, host, limits }); console.log("ok", JSON.stringify(r), (performance.now()-t).toFixed(1)); }
  catch (e) { console.log("err", (e as Error).constructor.name, (e as any).limit, (e as Error).message, (performance.now()-t).toFixed(1)); }
};
await run(`export async function create(ctx, a) { const r = await ctx.sql("select 1", [a.x]); return { credentials: { u: String(r.rows[0].a) }, cfg: ctx.config }; }`);
await run(`export async function create(ctx) { for(;;){} }`);
await run(`export async function create(ctx) { await ctx.sql("x"); for(;;){} }`);
await run(`export async function create(ctx) { const a=[]; for(;;) a.push("x".repeat(10000)+a.length); }`);
await run(`export async function create(ctx) { return { p: typeof process, r: typeof require, f: typeof fetch, t: typeof setTimeout, g: Object.keys(globalThis) }; }`);
await run(`export async function create(ctx) { await ctx.http({}); }`);
await run(`export async function create(ctx) { try { ctx.http } catch(e) {} return 1; }`);
await run(`export async function create(ctx) { throw new Error("boom"); }`);
await run(`export async function create(ctx) { await new Promise(()=>{}); }`);
await run(`export async function create(ctx) { for (let i=0;i<20;i++) await ctx.sql("x"); }`);
await run(`export async function create(ctx) { function f(){return f()+1}; return f(); }`);
await run(`export async function create(ctx, a) { const r = await ctx.sql("select 1", [a.x]); return { credentials: { u: String(r.rows[0].a) }, cfg: ctx.config }; }`);
let t = performance.now(); for (let i = 0; i < 200; i++) await sb.call({ source: `export async function create(ctx) { return (await ctx.sql("x")).rows.length }`, filename: "p.js", exportName: "create", argument: {}, declared: new Set(["sql"]), config: {}, host: async () => ({ rows: [] }), limits });
console.log("per call us", ((performance.now() - t) * 1000 / 200).toFixed(0));
