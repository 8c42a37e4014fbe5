// Arcan engine plugin: API keys on an HTTP service.
// The admin credential for the service is the mount's write-only http.headers: the host
// adds it to every ctx.http call, and this code never sees it.

const json = (body) => ({ "content-type": "application/json", body: JSON.stringify(body) });

export async function create(ctx, { role, ttl_seconds, lease_id }) {
  const { body, ...headers } = json({ name: `${ctx.config.key_prefix ?? "arcan"}-${lease_id}`, scopes: role.options.scopes ?? [], ttl_seconds });
  const res = await ctx.http({ method: "POST", path: "keys", headers, body });
  if (res.status !== 201) throw new Error(`the service answered ${res.status}`);
  const key = JSON.parse(res.body);
  await ctx.audit("key.issued", { key_id: key.id });
  return { credentials: { api_key: key.key, key_id: key.id }, internal: { key_id: key.id } };
}

export async function revoke(ctx, { internal }) {
  const res = await ctx.http({ method: "DELETE", path: `keys/${encodeURIComponent(internal.key_id)}` });
  // Already gone counts as revoked.
  if (res.status !== 204 && res.status !== 404) throw new Error(`the service answered ${res.status}`);
  await ctx.audit("key.revoked", { key_id: internal.key_id });
}

export async function health(ctx) {
  const res = await ctx.http({ method: "GET", path: "health" });
  return { ok: res.status === 200, detail: res.status === 200 ? null : `the service answered ${res.status}` };
}
