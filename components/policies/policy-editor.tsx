"use client";
/** The Cedar editor: validates against the published schema as you type, then saves a draft version. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { MAX_POLICY_SOURCE } from "@/server/policies/schemas";
import { errorMessage } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, Card, TextField } from "../ui";

const VALIDATE_DELAY_MS = 400;

const STARTER = `@id("jira_finance.allow")
permit(principal, action == Arcan::Action::"jira.read", resource)
when { principal.user.roles.contains("finance") && resource.type == "project" && resource.id like "FIN-*" };
`;

export function PolicyEditor({ initial, onCreated }: { initial: string | null; onCreated: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const sourceId = useId();
  const [source, setSource] = useState(initial ?? STARTER);
  const [description, setDescription] = useState("");
  const [checked, setChecked] = useState(source);
  // A new `initial` (another version opened) replaces the text, adjusted during render rather than in an effect.
  const [shownInitial, setShownInitial] = useState(initial);
  if (initial !== shownInitial) {
    setShownInitial(initial);
    if (initial !== null) setSource(initial);
  }
  useEffect(() => {
    const timer = setTimeout(() => setChecked(source), VALIDATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [source]);
  const validation = useMutation(trpc.policies.validateSource.mutationOptions());
  const { mutate: validate } = validation;
  useEffect(() => {
    if (checked.trim().length > 0 && checked.length <= MAX_POLICY_SOURCE) validate({ source: checked });
  }, [checked, validate]);
  const create = useMutation(
    trpc.policies.create.mutationOptions({
      onSuccess: (v) => {
        toast.success(`Draft version ${v.version} saved.`);
        setDescription("");
        void queryClient.invalidateQueries({ queryKey: trpc.policies.list.queryKey() });
        onCreated(v.id);
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ source, ...(description.trim() ? { description: description.trim() } : {}) });
  };
  const result = validation.data;
  const stale = checked !== source || validation.isPending || (validation.variables !== undefined && validation.variables.source !== source);

  return (
    <Card title="Cedar editor">
      <form onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
        <label htmlFor={sourceId} className="text-sm font-medium">
          Policy document
        </label>
        <textarea
          id={sourceId}
          value={source}
          onChange={(e) => setSource(e.target.value)}
          spellCheck={false}
          rows={16}
          aria-describedby={`${sourceId}-status`}
          aria-invalid={result ? !result.valid : undefined}
          className="w-full rounded-md border border-line bg-canvas p-3 font-mono text-xs text-fg focus:border-accent aria-[invalid=true]:border-deny"
        />
        <div id={`${sourceId}-status`} role="status" aria-live="polite" className="text-sm">
          {stale ? (
            <span className="text-muted">Checking…</span>
          ) : validation.error ? (
            <span className="text-deny">{errorMessage(validation.error)}</span>
          ) : result?.valid ? (
            <span className="text-allow">Valid against the Arcan schema.</span>
          ) : result ? (
            <ul className="flex flex-col gap-1 text-deny">
              {result.errors.map((e, i) => (
                <li key={i}>
                  <span className="font-mono text-xs">{e.policy_id ?? "document"}</span>: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="What this version changes" maxLength={500} />
        <div>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!source.trim()}>
            Save as draft
          </Button>
        </div>
      </form>
    </Card>
  );
}
