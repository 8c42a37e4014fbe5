/**
 * A refusal explained once: what is needed, and who can grant it. No "Try again": the
 * same request would be refused again until a role binding changes.
 */
export const GRANT_HINT = "An administrator, or an operator holding roles:write, can grant it by binding a role that includes it (Roles page).";

export function MissingCapability({ capability, scope, message }: { capability?: string; scope?: string; message?: string }) {
  return (
    <div role="alert" className="rounded-lg border border-review/60 bg-review/5 px-4 py-3 text-sm">
      <p className="font-medium">{message ?? `This page needs the capability "${capability}"${scope ? ` ${scope}` : ""}, which you do not hold.`}</p>
      <p className="mt-1 text-muted">{GRANT_HINT}</p>
    </div>
  );
}
