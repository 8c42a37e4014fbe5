/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Off: typed routes would make every href built at run time (realm and secret names) need a cast.
  typedRoutes: false,
  // Native addons and Node-only libraries must be required at run time, not bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/client",
    "pg",
    "pino",
    "@node-rs/argon2",
    "prom-client",
    "ioredis",
  ],
};

export default nextConfig;
