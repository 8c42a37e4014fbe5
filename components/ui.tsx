"use client";
/** Small UI primitives shared by the console pages: buttons, fields, cards, states, badges. */
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { errorCode, errorMessage } from "./errors";
import { MissingCapability } from "./missing-capability";

type Variant = "primary" | "secondary" | "danger" | "ghost";

const VARIANT: Record<Variant, string> = {
  primary: "bg-accent text-on-accent hover:opacity-90",
  secondary: "border border-line bg-raised text-fg hover:border-muted",
  danger: "border border-deny/70 text-deny hover:bg-deny/10",
  ghost: "text-muted hover:text-fg hover:bg-raised",
};

export function Button({ variant = "secondary", busy = false, className = "", children, disabled, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean }) {
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 ${VARIANT[variant]} ${className}`}
    >
      {busy ? <Spinner /> : null}
      {children}
    </button>
  );
}

export function Spinner() {
  return <span aria-hidden="true" className="inline-block h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />;
}

const INPUT_BASE = "w-full min-w-0 rounded-md border border-line bg-canvas px-3 py-1.5 text-fg placeholder:text-muted focus:border-accent aria-[invalid=true]:border-deny";
const INPUT_CLASS = `${INPUT_BASE} text-sm`;
const TEXTAREA_CLASS = `${INPUT_BASE} font-mono text-xs`;

/** A field's hint and error under it, with the ids its control's aria-describedby names. */
export function FieldNotes({ id, hint, error }: { id: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-deny">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** The aria-describedby of a control with these notes. */
export function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
}

export function TextField({ label, error, hint, className = "", ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | undefined; hint?: string }) {
  const id = useId();
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input id={id} {...rest} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={INPUT_CLASS} />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextAreaField({ label, error, hint, className = "", ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string | undefined; hint?: string | undefined }) {
  const id = useId();
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <textarea id={id} {...rest} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} className={TEXTAREA_CLASS} />
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({ label, error, children, className = "", ...rest }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string | undefined }) {
  const id = useId();
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select id={id} {...rest} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error)} className={INPUT_CLASS}>
        {children}
      </select>
      <FieldNotes id={id} error={error} />
    </div>
  );
}

/** A form's refusal that belongs to no single field (shown under the form, read out at once). */
export function FormFailure({ message, testId }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-deny/60 px-3 py-2 text-sm text-deny" data-testid={testId}>
      {message}
    </p>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <header className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex gap-2">{actions}</div> : null}
    </header>
  );
}

export function Card({ title, children, className = "", actions }: { title?: string; children: ReactNode; className?: string; actions?: ReactNode }) {
  return (
    <section className={`min-w-0 rounded-xl border border-line bg-surface p-5 ${className}`} aria-label={title}>
      {title || actions ? (
        <div className="mb-4 flex items-center justify-between gap-2">
          {title ? <h2 className="text-base font-semibold">{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 py-6 text-sm text-muted">
      <Spinner />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded-lg border border-dashed border-line px-4 py-8 text-center text-sm text-muted">{children}</p>;
}

/** Errors that the same request would meet again: offering "Try again" would mislead. */
const FINAL_CODES = new Set(["FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "CONFLICT", "PRECONDITION_FAILED", "UNPROCESSABLE_CONTENT"]);

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const code = errorCode(error);
  if (code === "FORBIDDEN") return <MissingCapability message={errorMessage(error)} />;
  if (code && FINAL_CODES.has(code)) onRetry = undefined;
  return (
    <div role="alert" className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-deny/60 bg-deny/5 px-4 py-3 text-sm">
      <span>{errorMessage(error)}</span>
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** Loading → error → empty → content, in that order, for one query. */
export function QueryState<T>({ query, empty, isEmpty, children }: { query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown }; empty: ReactNode; isEmpty: (data: T) => boolean; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error || query.data === undefined) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

const BADGE: Record<string, string> = {
  allow: "text-allow border-allow/50",
  success: "text-allow border-allow/50",
  active: "text-allow border-allow/50",
  review: "text-review border-review/50",
  expired: "text-review border-review/50",
  deny: "text-deny border-deny/50",
  denied: "text-deny border-deny/50",
  failure: "text-deny border-deny/50",
  revoked: "text-deny border-deny/50",
  disabled: "text-deny border-deny/50",
};

export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${BADGE[tone] ?? "text-muted border-line"}`}>{children}</span>;
}

/**
 * A table that never widens the page: it scrolls inside its own box, and its last column
 * (row actions, by convention) stays pinned to the right edge so actions stay in view.
 */
const PIN_LAST = "[&_td:last-child]:sticky [&_td:last-child]:right-0 [&_td:last-child]:bg-surface [&_th:last-child]:sticky [&_th:last-child]:right-0 [&_th:last-child]:bg-surface";

export function Table({ caption, head, children }: { caption: string; head: string[]; children: ReactNode }) {
  return (
    // Focusable so a keyboard user can scroll a table wider than the page. `relative` makes the
    // box the containing block of the cells' sr-only text (position: absolute), which would
    // otherwise sit outside the scroll box and widen the page.
    <div className={`relative max-w-full overflow-x-auto ${PIN_LAST}`} tabIndex={0} role="region" aria-label={caption}>
      <table className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-line text-xs uppercase tracking-wide text-muted">
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export const TD = "px-3 py-2 align-top";
/** Table cells holding times: never wrapped. */
export const TD_TIME = "px-3 py-2 align-top whitespace-nowrap tabular-nums";
export const ROW = "border-b border-line/60 last:border-0";

/** Local time as "2026-11-22 05:03": short, sortable, unambiguous. */
export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Just the local date, for tight tables (the full time is in the cell's title). */
export function formatDay(iso: string | null): string {
  return iso ? formatTime(iso).slice(0, 10) : "—";
}
