/**
 * Cross-site request check for state-changing console calls. The session cookie is
 * SameSite=Lax, and on top of that a mutation must prove it came from the console's own
 * origin: a browser always sends Origin on a POST, and Sec-Fetch-Site where supported.
 */
export function crossSiteReason(headers: Headers): string | null {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return `Sec-Fetch-Site is "${site}"`;
  const origin = headers.get("origin");
  const host = headers.get("host");
  if (origin === null) return site === "same-origin" ? null : "the request has no Origin header";
  if (!host || origin !== `https://${host}`) return "the Origin header names another site";
  return null;
}
