"use client";
/** Change a token's description and rate limit (tokens.update); its value, capabilities and realms stay as they are. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ZUpdateToken } from "@/server/tokens/schemas";
import { formIssues, showFormError } from "../errors";
import { FormDialog } from "../form-dialog";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { TextField } from "../ui";

export interface EditableToken {
  id: string;
  name: string;
  description: string;
  rate_limit: number | null;
}

export function EditTokenDialog({ token, onClose }: { token: EditableToken | null; onClose: () => void }) {
  return token ? <EditTokenForm key={token.id} token={token} onClose={onClose} /> : null;
}

function EditTokenForm({ token, onClose }: { token: EditableToken; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [description, setDescription] = useState(token.description);
  const [rate, setRate] = useState(token.rate_limit === null ? "" : String(token.rate_limit));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.tokens.update.mutationOptions({
      onSuccess: (t) => {
        toast.success(`Token "${t.name}" updated.`);
        void queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
        onClose();
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = () => {
    // Empty means the server default (null); anything else must be the contract's whole number.
    const patch = { description, rate_limit: rate.trim() === "" ? null : Number(rate.trim()) };
    const found = formIssues(ZUpdateToken.pick({ description: true, rate_limit: true }), patch);
    setIssues(found);
    if (Object.keys(found).length === 0) save.mutate({ id: token.id, ...patch });
  };
  return (
    <FormDialog open title={`Edit token "${token.name}"`} submitLabel="Save token" busy={save.isPending} onSubmit={onSubmit} onClose={onClose}>
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={issues.description} autoFocus />
      <TextField
        label="Rate limit"
        inputMode="numeric"
        value={rate}
        onChange={(e) => setRate(e.target.value)}
        error={issues.rate_limit}
        placeholder="Server default"
        hint="Requests per second for this token; empty for the server default."
      />
    </FormDialog>
  );
}
