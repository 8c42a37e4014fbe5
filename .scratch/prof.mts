import { newQuickJSWASMModule, RELEASE_SYNC } from "quickjs-emscripten";
const m = await newQuickJSWASMModule(RELEASE_SYNC);
const N = 300;
let t = performance.now();
for (let i = 0; i < N; i++) { const rt = m.newRuntime(); const c = rt.newContext(); c.dispose(); rt.dispose(); }
console.log("rt+ctx us", ((performance.now() - t) * 1000 / N).toFixed(0));
const rt = m.newRuntime(); 
t = performance.now();
for (let i = 0; i < N; i++) { const c = rt.newContext(); c.dispose(); }
console.log("ctx us", ((performance.now() - t) * 1000 / N).toFixed(0));
const c = rt.newContext();
t = performance.now();
for (let i = 0; i < N; i++) { const r = c.evalCode(`export async function create(ctx){ return 1 }`, "m"+i+".js", { type: "module" }); c.unwrapResult(r).dispose(); }
console.log("module eval us", ((performance.now() - t) * 1000 / N).toFixed(0));
t = performance.now();
const rt2 = m.newRuntime(); rt2.setMemoryLimit(8<<20);
const c2 = rt2.newContext();
const r = c2.evalCode(`const a=[]; for(;;) a.push("x".repeat(100000)+a.length);`);
console.log("mem", r.error ? c2.dump(r.error) : "none", (performance.now()-t).toFixed(0));
