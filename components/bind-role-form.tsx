"use client";
/** Binds a role to a subject in one realm or in every realm (used by the Roles and Users pages). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { ZCreateBinding } from "@/server/rbac/schemas";
import { formIssues, showFormError } from "./errors";
import { useSession } from "./session";
import { useToast } from "./toast";
import { useTRPC } from "./trpc";
import { Button, SelectField, TextField } from "./ui";


export function BindRoleForm({ subject: fixedSubject, onBound }: { subject?: string; onBound?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const roles = useQuery(trpc.roles.list.queryOptions());
  const realms = useSession()?.realms ?? [];
  const [subject, setSubject] = useState("");
  // The subject is picked from a searchable list of tokens, operators and agents (by name or id).
  const candidates = useQuery({ ...trpc.session.subjects.queryOptions({ query: subject.includes(":") ? "" : subject.trim() }), enabled: !fixedSubject, placeholderData: keepPreviousData });
  const listId = useId();
  const [role, setRole] = useState("");
  const [realm, setRealm] = useState("*");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const bind = useMutation(
    trpc.bindings.create.mutationOptions({
      onSuccess: (b) => {
        toast.success(`Bound role "${b.role}" to ${b.subject} in ${b.realm === "*" ? "every realm" : `realm "${b.realm}"`}.`);
        if (!fixedSubject) setSubject("");
        void queryClient.invalidateQueries({ queryKey: trpc.bindings.list.queryKey() });
        onBound?.();
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // A name picked or typed in full stands for its subject.
    const typed = subject.trim();
    const target = fixedSubject ?? candidates.data?.find((c) => c.name === typed && c.subject !== typed)?.subject ?? typed;
    const found = formIssues(ZCreateBinding.pick({ subject: true, role: true }), { subject: target, role });
    setIssues(found);
    if (Object.keys(found).length === 0) bind.mutate({ subject: target, role, realm });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
      {fixedSubject ? null : (
        <>
          <TextField
            label="Subject"
            list={listId}
            autoComplete="off"
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            error={issues.subject}
            hint="Type a token, operator or agent name and pick it from the list."
          />
          <datalist id={listId}>
            {candidates.data?.map((c) => (
              <option key={c.subject} value={c.subject}>
                {`${c.name} (${c.kind === "user" ? "operator" : c.kind})`}
              </option>
            ))}
          </datalist>
        </>
      )}
      <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value)} error={issues.role}>
        <option value="">Choose a role…</option>
        {roles.data?.map((r) => (
          <option key={r.name} value={r.name}>
            {r.name}
          </option>
        ))}
      </SelectField>
      <SelectField label="Realm" value={realm} onChange={(e) => setRealm(e.target.value)} error={issues.realm}>
        <option value="*">* (every realm)</option>
        {realms.map((r) => (
          <option key={r.name} value={r.name}>
            {r.name}
          </option>
        ))}
      </SelectField>
      <Button type="submit" variant="primary" busy={bind.isPending}>
        Bind role
      </Button>
    </form>
  );
}
