/**
 * Bundles the server for production (`npm start` runs dist/server/main.mjs): plain
 * JavaScript without the TypeScript loader, which costs start-up time and makes every
 * thrown error consult source maps. npm packages stay external; the generated Prisma
 * client (TypeScript source) is bundled in.
 */
import { build } from "esbuild";

await build({
  entryPoints: ["server/main.ts", "server/store/audit-indexer.ts"],
  outdir: "dist/server",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
