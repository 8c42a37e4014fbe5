/**
 * A throwaway, password-authenticated PostgreSQL cluster for the engine tests: initdb from
 * /usr/lib/postgresql/<newest>/bin into a temp dir, scram-sha-256 for every connection, a
 * free port, run as the `postgres` OS user when the tests run as root. The shared server
 * on 5432 trusts every login, so it could not show that a password works or stops working.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export interface PgCluster {
  port: number;
  dataDir: string;
  bin: string;
  superPassword: string;
  url(user: string, password: string, database?: string): string;
  /** A connected client as the cluster's superuser. */
  superuser(database?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

function binDir(): string {
  const versions = readdirSync("/usr/lib/postgresql")
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin");
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const root = mkdtempSync(path.join(tmpdir(), "arcan-pgcluster-"));
  const dataDir = path.join(root, "data");
  const superPassword = randomBytes(18).toString("base64url");
  const pwfile = path.join(root, "pwfile");
  writeFileSync(pwfile, `${superPassword}\n`, { mode: 0o600 });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(root, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : cmd, asRoot ? ["-u", "postgres", "--", cmd, ...args] : args, { stdio: ["ignore", "pipe", "pipe"] });
  run(`${bin}/initdb`, ["-D", dataDir, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--no-instructions"]);
  rmSync(pwfile);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run(`${bin}/pg_ctl`, ["-D", dataDir, "-l", path.join(dataDir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);

  const url = (user: string, password: string, database = "postgres") =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    dataDir,
    bin,
    superPassword,
    url,
    async superuser(database = "postgres") {
      const client = new pg.Client({ connectionString: url("postgres", superPassword, database) });
      await client.connect();
      return client;
    },
    async stop() {
      try {
        run(`${bin}/pg_ctl`, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
