"use client";
/**
 * RBAC subjects (`token:<id>`, `user:<name>`, `agent:<id>`) shown as the names people know,
 * with the subject itself on hover and in the accessible name's description.
 */
import { useQuery } from "@tanstack/react-query";
import type { SubjectName } from "@/server/session/schemas";
import { useTRPC } from "./trpc";

export type SubjectNames = ReadonlyMap<string, SubjectName>;

/** Names for the subjects a table shows, in one request. */
export function useSubjectNames(subjects: readonly (string | null | undefined)[]): SubjectNames {
  const trpc = useTRPC();
  const list = [...new Set(subjects.filter((s): s is string => !!s))].sort().slice(0, 500);
  const names = useQuery({ ...trpc.session.names.queryOptions({ subjects: list }), enabled: list.length > 0, staleTime: 60_000 });
  return new Map((names.data ?? []).map((n) => [n.subject, n]));
}

const KIND_LABEL = { token: "token", user: "operator", agent: "agent" } as const;

export function Subject({ subject, names }: { subject: string; names: SubjectNames }) {
  const known = names.get(subject);
  if (!known || known.name === known.id) return <span className="break-all font-mono text-xs">{subject}</span>;
  return (
    <span title={subject} className="break-words">
      {known.name} <span className="text-xs text-muted">({KIND_LABEL[known.kind]} <span className="font-mono">{known.id}</span>)</span>
    </span>
  );
}
