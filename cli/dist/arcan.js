#!/usr/bin/env node
/** Entry point of the `arcan` CLI (package.json "bin"). */
import { main } from "./program.js";
const VERSION = "0.1.0";
process.exitCode = await main(process.argv, VERSION);
//# sourceMappingURL=arcan.js.map