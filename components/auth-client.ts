/**
 * Sign-in and sign-out against NextAuth's endpoints, as next-auth/react does it, without
 * shipping next-auth/react to the browser: fetch a CSRF token, post the form, read the
 * `error` NextAuth puts in the returned URL.
 */
async function csrfToken(): Promise<string> {
  const res = await fetch("/api/auth/csrf", { credentials: "same-origin" });
  const data = (await res.json()) as { csrfToken?: string };
  if (!data.csrfToken) throw new Error("no CSRF token");
  return data.csrfToken;
}

/** Returns null on success, or the message to show. */
export async function signIn(provider: "token" | "operator", fields: Record<string, string>): Promise<string | null> {
  try {
    const body = new URLSearchParams({ ...fields, csrfToken: await csrfToken(), callbackUrl: "/", json: "true" });
    const res = await fetch(`/api/auth/callback/${provider}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body, credentials: "same-origin" });
    const data = (await res.json()) as { url?: string };
    const error = data.url ? new URL(data.url, window.location.origin).searchParams.get("error") : "Sign-in failed.";
    if (!error && res.ok) return null;
    return error === "CredentialsSignin" || !error ? "Sign-in failed." : error;
  } catch {
    return "The console could not reach the server. Check the connection and try again.";
  }
}

export async function signOut(): Promise<void> {
  const body = new URLSearchParams({ csrfToken: await csrfToken(), callbackUrl: "/signin", json: "true" });
  await fetch("/api/auth/signout", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body, credentials: "same-origin" });
}
