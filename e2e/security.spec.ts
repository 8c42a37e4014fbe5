/** The console's HTTP-level guarantees, checked with raw requests (no browser page). */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";
import { unique } from "./helpers";

async function signIn(request: APIRequestContext): Promise<void> {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/token", { form: { csrfToken, token: E2E_ADMIN_TOKEN, json: "true", callbackUrl: "/" } });
  expect(res.ok()).toBe(true);
}

const origin = () => new URL(process.env.ARCAN_E2E_URL!).origin;

test("every console response carries the security headers", async ({ request }) => {
  for (const path of ["/signin", "/", "/api/trpc/realms.list", "/api/auth/csrf"]) {
    const res = await request.get(path, { maxRedirects: 0 });
    const h = res.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(h["content-security-policy"], path).not.toContain("unsafe-eval");
    expect(Number(/max-age=(\d+)/.exec(h["strict-transport-security"] ?? "")?.[1]), path).toBeGreaterThanOrEqual(31_536_000);
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("no-referrer");
  }
});

test("tRPC procedures refuse unauthenticated calls, whatever middleware-bypass header is sent", async ({ request }) => {
  const bypass: Record<string, string>[] = [
    {},
    { "x-middleware-subrequest": "middleware" },
    { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
    { "x-middleware-subrequest": "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware" },
    { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy", "x-nextjs-data": "1", "x-invoke-path": "/api/trpc/realms.list" },
  ];
  for (const headers of bypass) {
    const list = await request.get("/api/trpc/tokens.list", { headers });
    expect(list.status(), JSON.stringify(headers)).toBe(401);
    const create = await request.post("/api/trpc/realms.create", { headers: { ...headers, origin: origin() }, data: { name: unique("bypass") } });
    expect(create.status(), JSON.stringify(headers)).toBe(401);
    const body = (await create.json()) as { error: { message: string; data: { code: string; stack?: string } } };
    expect(body.error.data.code).toBe("UNAUTHORIZED");
    expect(body.error.data.stack).toBeUndefined();
  }
});

test("mutations from another site are refused with FORBIDDEN; same-origin ones work", async ({ request }) => {
  await signIn(request);
  const cases: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { "sec-fetch-site": "cross-site", origin: origin() },
    { "sec-fetch-site": "same-site" },
    {},
  ];
  for (const headers of cases) {
    const res = await request.post("/api/trpc/realms.create", { headers, data: { name: unique("csrf") } });
    expect(res.status(), JSON.stringify(headers)).toBe(403);
    const body = (await res.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe("FORBIDDEN");
    expect(body.error.message).toMatch(/^Cross-site request refused/);
  }
  const name = unique("same-origin");
  const ok = await request.post("/api/trpc/realms.create", { headers: { origin: origin(), "sec-fetch-site": "same-origin" }, data: { name } });
  expect(ok.status()).toBe(200);
  // Reads are not mutations: a cross-site GET is answered (SameSite=Lax keeps cookies off cross-site subrequests anyway).
  expect((await request.get("/api/trpc/realms.list", { headers: { "sec-fetch-site": "cross-site" } })).status()).toBe(200);
});

test("service errors reach the console as typed tRPC errors with the shared table's code and no stack", async ({ request }) => {
  await signIn(request);
  const headers = { origin: origin() };
  const name = unique("dup");
  expect((await request.post("/api/trpc/realms.create", { headers, data: { name } })).status()).toBe(200);
  const dup = await request.post("/api/trpc/realms.create", { headers, data: { name } });
  expect(dup.status()).toBe(409);
  const dupBody = (await dup.json()) as { error: { message: string; data: Record<string, unknown> } };
  expect(dupBody.error.data.code).toBe("CONFLICT");
  expect(dupBody.error.message).toBe(`A realm named "${name}" already exists.`);
  expect(JSON.stringify(dupBody)).not.toMatch(/at .*\.(ts|js):\d+/);

  const bad = await request.post("/api/trpc/realms.create", { headers, data: { name: "Not A Realm" } });
  expect(bad.status()).toBe(400);
  const badBody = (await bad.json()) as { error: { data: { code: string; issues: { field: string }[] } } };
  expect(badBody.error.data.code).toBe("BAD_REQUEST");
  expect(badBody.error.data.issues[0]?.field).toBe("name");

  const missing = await request.get(`/api/trpc/secrets.list?input=${encodeURIComponent(JSON.stringify({ realm: "no-such-realm" }))}`);
  expect(missing.status()).toBe(404);
});
