import { newQuickJSWASMModule, RELEASE_SYNC } from "quickjs-emscripten";
const m = await newQuickJSWASMModule(RELEASE_SYNC);
for (const code of [`"x".repeat(1<<25)`, `const a=[]; for(;;) a.push({i:a.length, s:"y"+a.length});`, `let s="x"; for(;;) s = s + s;`, `const a=[]; for(;;) a.push(new Array(100000).fill(1));`, `const a=[]; for(;;) a.push(new Uint8Array(1<<20));`]) {
  const t = performance.now();
  const rt2 = m.newRuntime(); rt2.setMemoryLimit(8<<20);
  const start = performance.now();
  rt2.setInterruptHandler(() => performance.now() - start > 2000);
  const c2 = rt2.newContext();
  const r = c2.evalCode(code);
  console.log(code.slice(0,40), r.error ? c2.dump(r.error).message : "none", (performance.now()-t).toFixed(0));
  r.error?.dispose(); 
  try { c2.dispose(); rt2.dispose(); } catch (e) { console.log("dispose", (e as Error).message); }
}
const rt = m.newRuntime(); const c = rt.newContext(); console.log("after", c.dump(c.unwrapResult(c.evalCode("1+1"))));
