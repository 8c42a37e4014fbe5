import { TRPCClientError } from "@trpc/client";
import type { z } from "zod";

export interface FieldIssue {
  field: string;
  message: string;
}

type ErrorData = { code?: string; httpStatus?: number; issues?: FieldIssue[] | null } | undefined;

/** The message to show a person: the server's own (written for people), or a plain fallback. */
export function errorMessage(err: unknown): string {
  if (err instanceof TRPCClientError) {
    const data = err.data as ErrorData;
    if (data?.httpStatus === undefined && !err.message) return "The console could not reach the server.";
    return err.message || "The request failed.";
  }
  return "The console could not reach the server. Check the connection and try again.";
}

export function errorCode(err: unknown): string | null {
  return err instanceof TRPCClientError ? ((err.data as ErrorData)?.code ?? null) : null;
}

/** Field-level issues from a validation error, keyed by field name (first message wins). */
export function fieldIssues(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof TRPCClientError)) return out;
  for (const issue of (err.data as ErrorData)?.issues ?? []) if (!(issue.field in out)) out[issue.field] = issue.message;
  return out;
}

/** `onError` for a form's mutation: field issues go under their fields, the message into a toast. */
export function showFormError(toast: { error: (message: string) => void }, setIssues: (issues: Record<string, string>) => void) {
  return (err: unknown) => {
    setIssues(fieldIssues(err));
    toast.error(errorMessage(err));
  };
}

/** A form's values checked with the server's contract schema (the same rule, not a copy), keyed by field (first message wins). */
export function formIssues(schema: z.ZodType, values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join(".");
      if (!(field in out)) out[field] = issue.message;
    }
  }
  return out;
}
