import { startCore } from "../helpers/core";
for (let i = 0; i < 4; i++) {
const s = await startCore("sqlite", { ARCAN_LOG_LEVEL: "info" });
try {
    const r = await s.request("POST", "/api/v1/realms", { body: { name: "r1" } });
    const r2 = await s.request("PUT", "/api/v1/realms/r1/secrets/a", { body: { value: "x" } });
    console.log(r.status, r2.status);
    if (r.status >= 500 || r2.status >= 500) console.log(s.stdout().split("\n").filter(l => /"level":50/.test(l)).join("\n").slice(0, 3000));
} finally { await s.cleanup(); }
}
