import { ConnectionManager } from "../server/plugins/connections.ts";
const c = new ConnectionManager(300);
try { console.log(await c.query("m1", { connection_url: "postgresql://postgres@127.0.0.1:5432/postgres" }, "SELECT $1::int + 1 AS n", [41])); } catch (e) { console.log("ERR", e); }
await c.closeAll();
