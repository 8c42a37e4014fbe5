/**
 * NextAuth v4 options: two Credentials providers (an API token, or an operator's name and
 * password), JWT sessions in __Host- cookies (Secure, HttpOnly, SameSite=Lax), and an
 * audit record for every sign-in attempt and sign-out. The session callback returns only
 * display fields: the token value stays inside the encrypted JWT.
 */
import type { AuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { newRequestId } from "../ids";
import type { Services } from "../services";
import { USER_NAME } from "../users/schemas";
import { consoleServices } from "./runtime";
import { CLIENT_IP_HEADER } from "./security-headers";
import { isSessionClaim, SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, type SessionClaim } from "./session";

type ArcanUser = User & { arcan: SessionClaim; subject: string };
type RequestLike = { headers?: Record<string, unknown> } | undefined;

const cookie = (name: string, httpOnly = true) => ({ name, options: { httpOnly, sameSite: "lax" as const, path: "/", secure: true } });

const TOKEN_FAILURES = {
  invalid: "That API token is not valid.",
  expired: "That API token has expired.",
  revoked: "That API token has been revoked.",
} as const;

export function authOptions(): AuthOptions {
  return {
    secret: process.env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    useSecureCookies: true,
    cookies: {
      sessionToken: cookie(SESSION_COOKIE),
      callbackUrl: cookie("__Host-arcan.callback-url"),
      csrfToken: cookie("__Host-arcan.csrf"),
      pkceCodeVerifier: cookie("__Secure-arcan.pkce"),
      state: cookie("__Secure-arcan.state"),
      nonce: cookie("__Secure-arcan.nonce"),
    },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        id: "token",
        name: "API token",
        credentials: { token: { label: "API token", type: "password" } },
        authorize: (credentials, req) => signInWithToken(consoleServices(), credentials?.token ?? "", clientIp(req)),
      }),
      CredentialsProvider({
        id: "operator",
        name: "Operator",
        credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) => signInAsOperator(consoleServices(), credentials?.username ?? "", credentials?.password ?? "", clientIp(req)),
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          const arcanUser = user as ArcanUser;
          return { sub: arcanUser.subject, name: arcanUser.name ?? null, arcan: arcanUser.arcan };
        }
        return token;
      },
      session({ session, token }) {
        const claim = token.arcan;
        return { expires: session.expires, user: { name: token.name ?? null, kind: isSessionClaim(claim) ? claim.kind : null } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sub !== "string") return;
        await consoleServices().auditWriter.append({ requestId: newRequestId(), actor: token.sub, action: "console.sign_out", outcome: "success", status: 200 });
      },
    },
    logger: {
      // NextAuth's own messages can quote the thrown error; sign-in failures are audited instead.
      error: (code) => consoleServices().logger.warn({ code }, "console auth error"),
      warn: () => {},
      debug: () => {},
    },
  };
}

function clientIp(req: RequestLike): string | null {
  const value = req?.headers?.[CLIENT_IP_HEADER];
  return typeof value === "string" ? value : null;
}

async function throttle(services: Services, ip: string | null): Promise<void> {
  if (!(await services.rateLimiter.check(`console-sign-in:${ip ?? "unknown"}`, services.config.rate_limit.per_ip)).allowed) {
    throw new Error("Too many sign-in attempts; wait a second and try again.");
  }
}

async function signInWithToken(services: Services, raw: string, ip: string | null): Promise<ArcanUser> {
  await throttle(services, ip);
  const value = raw.trim();
  const auth = await services.tokenAuth.authenticate(value);
  if (!auth.ok) {
    await record(services, ip, "anonymous", "failure", `token ${auth.reason}`);
    throw new Error(TOKEN_FAILURES[auth.reason]);
  }
  const { principal } = auth;
  await record(services, ip, principal.subject, "success", "API token");
  return { id: principal.subject, name: principal.name, subject: principal.subject, arcan: { kind: "token", cred: value } };
}

async function signInAsOperator(services: Services, username: string, password: string, ip: string | null): Promise<ArcanUser> {
  await throttle(services, ip);
  const name = username.trim();
  const check = await services.users.checkPassword(name, password);
  const subject = USER_NAME.test(name) ? `user:${name}` : "anonymous";
  if (!check.ok) {
    await record(services, ip, subject, "failure", check.reason === "disabled" ? "operator disabled" : "wrong username or password");
    throw new Error(check.reason === "disabled" ? "This operator account is disabled." : "Wrong username or password.");
  }
  await record(services, ip, subject, "success", "password");
  return { id: subject, name, subject, arcan: { kind: "user", name } };
}

function record(services: Services, ip: string | null, actor: string, outcome: "success" | "failure", reason: string): Promise<void> {
  return services.auditWriter.append({ requestId: newRequestId(), actor, action: "console.sign_in", outcome, status: outcome === "success" ? 200 : 401, reason, ip });
}
