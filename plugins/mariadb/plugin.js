// Arcan engine plugin: dynamic MariaDB/MySQL users.
// Runs in Arcan's sandbox: only ctx.sql and ctx.audit (declared in manifest.json) exist.

const userHost = (options) => (typeof options.host === "string" ? options.host : "%");

export async function create(ctx, { role, random }) {
  // `random` is 64 hex digits from the host's CSPRNG (the sandbox has no crypto source).
  const user = `arcan_${random.slice(0, 16)}`;
  const password = random.slice(16, 64);
  const host = userHost(role.options);
  await ctx.sql("CREATE USER ?@? IDENTIFIED BY ?", [user, host, password]);
  try {
    for (const grant of role.options.grants ?? []) await ctx.sql(`GRANT ${grant} TO ?@?`, [user, host]);
  } catch (err) {
    await ctx.sql("DROP USER IF EXISTS ?@?", [user, host]);
    throw err;
  }
  await ctx.audit("user.created", { user, role: role.name });
  return { credentials: { username: user, password }, internal: { user, host } };
}

export async function revoke(ctx, { internal }) {
  const { user, host } = internal;
  // End open sessions first, then the user (it can no longer log in).
  const sessions = await ctx.sql("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?", [user]);
  for (const row of sessions.rows) {
    try {
      await ctx.sql("KILL CONNECTION ?", [Number(row.id)]);
    } catch {
      // The session ended by itself meanwhile.
    }
  }
  await ctx.sql("DROP USER IF EXISTS ?@?", [user, host]);
  await ctx.audit("user.dropped", { user });
}

export async function renew() {
  // MariaDB users have no expiry of their own: the lease's reaper revokes them.
}

export async function rotateRoot(ctx, { random }) {
  const password = random.slice(0, 48);
  // MariaDB ignores the password of ALTER USER CURRENT_USER(); name the account instead.
  const who = String((await ctx.sql("SELECT CURRENT_USER() AS account", [])).rows[0].account);
  const at = who.lastIndexOf("@");
  await ctx.sql("ALTER USER ?@? IDENTIFIED BY ?", [who.slice(0, at), who.slice(at + 1), password]);
  await ctx.audit("root.rotated", {});
  return { config: { password } };
}

export async function health(ctx) {
  const result = await ctx.sql("SELECT 1 AS ok", []);
  return { ok: result.rows.length === 1, detail: null };
}
