/** Whether PostgreSQL credentials log in (and can run `probe`): how lease tests check a credential is live or revoked. */
import pg from "pg";

export async function canLogIn(connection: string | pg.ClientConfig, probe = "SELECT 1"): Promise<boolean> {
  const client = new pg.Client(typeof connection === "string" ? { connectionString: connection } : connection);
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query(probe);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
