// Property (fast-check): a token scoped to one realm — by its own realm list or by a role
// binding — never sees or changes another realm's data through any realm-scoped endpoint.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { createRealm, createToken, putSecret, startCore, uid } from "../helpers/core";
import { STORES, type Reply, type TestServer } from "../helpers/server";

interface World {
  realms: { name: string; secrets: Record<string, string>; token: string }[];
}

type Probe = (s: TestServer, token: string, victim: string, key: string) => Promise<Reply>;

/** Every realm-scoped endpoint, as an attacker scoped elsewhere would call it. */
const PROBES: Record<string, Probe> = {
  "list secrets": (s, t, v) => s.request("GET", `/api/v1/realms/${v}/secrets`, { token: t }),
  "get secret": (s, t, v, k) => s.request("GET", `/api/v1/realms/${v}/secrets/${k}`, { token: t }),
  "get old version": (s, t, v, k) => s.request("GET", `/api/v1/realms/${v}/secrets/${k}?version=1`, { token: t }),
  "put secret": (s, t, v, k) => s.request("PUT", `/api/v1/realms/${v}/secrets/${k}`, { token: t, body: { value: "overwritten" } }),
  "create secret": (s, t, v) => s.request("PUT", `/api/v1/realms/${v}/secrets/planted`, { token: t, body: { value: "planted", cas: 0 } }),
  "delete secret": (s, t, v, k) => s.request("DELETE", `/api/v1/realms/${v}/secrets/${k}`, { token: t }),
  versions: (s, t, v, k) => s.request("GET", `/api/v1/realms/${v}/secrets/${k}/versions`, { token: t }),
  "get realm": (s, t, v) => s.request("GET", `/api/v1/realms/${v}`, { token: t }),
  "patch realm": (s, t, v) => s.request("PATCH", `/api/v1/realms/${v}`, { token: t, body: { description: "hijacked" } }),
  "delete realm": (s, t, v) => s.request("DELETE", `/api/v1/realms/${v}`, { token: t }),
  "audit search": (s, t, v) => s.request("GET", `/api/v1/audit?realm=${v}`, { token: t }),
  "bind a role there": (s, t, v) => s.request("POST", "/api/v1/bindings", { token: t, body: { subject: "user:nobody", role: "secrets-reader", realm: v } }),
};

const REALM_CAPS = ["secrets:read", "secrets:write", "secrets:delete", "realms:read", "realms:write", "audit:read", "roles:write"];

const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const secretKey = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/);
const worldArb = fc.record({
  realms: fc.uniqueArray(fc.record({ name: slug, secrets: fc.dictionary(secretKey, fc.string({ maxLength: 40 }), { minKeys: 1, maxKeys: 3 }), viaBinding: fc.boolean() }), {
    minLength: 2,
    maxLength: 3,
    selector: (r) => r.name,
  }),
});

type WorldSpec = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

for (const store of STORES) {
  describe(`realm isolation property (${store})`, () => {
    let s: TestServer;
    let roleName: string;
    before(async () => {
      s = await startCore(store);
      roleName = `realm-owner-${uid()}`;
      const role = await s.request("POST", "/api/v1/roles", { body: { name: roleName, capabilities: REALM_CAPS } });
      assert.equal(role.status, 201, role.text);
    });
    after(() => s.cleanup());

    async function build(spec: WorldSpec): Promise<World> {
      const run = uid();
      const realms: World["realms"] = [];
      for (const r of spec.realms) {
        const name = `${r.name}-${run}`;
        await createRealm(s, name);
        for (const [k, v] of Object.entries(r.secrets)) {
          await putSecret(s, name, k, `SECRET<${v}>`);
          await putSecret(s, name, k, `SECRET<${v}#2>`);
        }
        let token: string;
        if (r.viaBinding) {
          const t = await createToken(s, {});
          const b = await s.request("POST", "/api/v1/bindings", { body: { subject: t.subject, role: roleName, realm: name } });
          assert.equal(b.status, 201, b.text);
          token = t.token;
        } else {
          token = (await createToken(s, { capabilities: REALM_CAPS, realms: [name] })).token;
        }
        realms.push({ name, secrets: r.secrets, token });
      }
      return { realms };
    }

    /** A realm's whole observable state, read by the admin. */
    async function state(realm: string): Promise<string> {
      const meta = await s.request("GET", `/api/v1/realms/${realm}`);
      assert.equal(meta.status, 200, `${realm} still exists: ${meta.text}`);
      const list = await s.request("GET", `/api/v1/realms/${realm}/secrets?limit=500`);
      const values = await Promise.all(
        list.body.items.map(async (i: { key: string }) => {
          const [cur, versions] = await Promise.all([
            s.request("GET", `/api/v1/realms/${realm}/secrets/${i.key}`),
            s.request("GET", `/api/v1/realms/${realm}/secrets/${i.key}/versions`),
          ]);
          return [cur.body.value, cur.body.version, versions.body.items.length];
        }),
      );
      const bindings = (await s.request("GET", "/api/v1/bindings")).body.items.filter((b: { realm: string }) => b.realm === realm);
      return JSON.stringify([meta.body, list.body.items, values, bindings]);
    }

    it("no endpoint lets a token scoped to realm X see or change realm Y", async () => {
      await fc.assert(
        fc.asyncProperty(worldArb, async (spec) => {
          const world = await build(spec);
          const before = new Map<string, string>();
          for (const r of world.realms) before.set(r.name, await state(r.name));
          for (const attacker of world.realms) {
            // Its own realm works: the scoping is real, not a broken token.
            const own = Object.keys(attacker.secrets)[0]!;
            const mine = await s.request("GET", `/api/v1/realms/${attacker.name}/secrets/${own}`, { token: attacker.token });
            assert.equal(mine.status, 200, mine.text);
            const visible = await s.request("GET", "/api/v1/realms", { token: attacker.token });
            assert.deepEqual(visible.body.items.map((r: { name: string }) => r.name), [attacker.name]);
            const audit = await s.request("GET", "/api/v1/audit?limit=500", { token: attacker.token });
            assert.equal(audit.status, 200, audit.text);
            assert.ok(audit.body.items.every((a: { realm: string | null }) => a.realm === attacker.name), "audit search shows only its realm");

            for (const victim of world.realms.filter((r) => r !== attacker)) {
              for (const key of [Object.keys(victim.secrets)[0]!, "absent-key"]) {
                for (const [name, probe] of Object.entries(PROBES)) {
                  const r = await probe(s, attacker.token, victim.name, key);
                  assert.ok(r.status === 404 || r.status === 403, `${name} on ${victim.name}/${key} → ${r.status} ${r.text}`);
                  assert.ok(!r.text.includes("SECRET<"), `${name} leaked a value`);
                }
              }
            }
          }
          for (const r of world.realms) assert.equal(await state(r.name), before.get(r.name), `${r.name} unchanged`);
        }),
        { numRuns: 4 },
      );
    });
  });
}
