"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "../confirm";
import { ZCreateRealm, ZUpdateRealm } from "@/server/realms/schemas";
import { errorMessage, fieldIssues, formIssues, showFormError } from "../errors";
import { FormDialog } from "../form-dialog";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";

export function RealmsPage() {
  const trpc = useTRPC();
  const realms = useQuery(trpc.realms.list.queryOptions());
  const [deleting, setDeleting] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ name: string; description: string } | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();
  const remove = useMutation(
    trpc.realms.delete.mutationOptions({
      onSuccess: (_, { name }) => {
        toast.success(`Realm "${name}" deleted.`);
        setDeleting(null);
        void queryClient.invalidateQueries({ queryKey: trpc.realms.list.queryKey() });
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );

  return (
    <>
      <PageHeader title="Realms" description="Tenants: each realm has its own secrets, keys and bindings." />
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
        <Card title="All realms">
          <QueryState query={realms} isEmpty={(d) => d.length === 0} empty="No realms yet. Create the first one.">
            {(list) => (
              <Table caption="Realms" head={["Name", "Description", "Created", ""]}>
                {list.map((r) => (
                  <tr key={r.name} className={ROW}>
                    <td className={`${TD} font-mono`}>{r.name}</td>
                    <td className={`${TD} text-muted`}>{r.description || "—"}</td>
                    <td className={TD_TIME}>{formatTime(r.created_at)}</td>
                    <td className={`${TD} whitespace-nowrap text-right`}>
                      <span className="inline-flex gap-2">
                        <Button variant="ghost" onClick={() => setEditing({ name: r.name, description: r.description })} aria-label={`Edit realm ${r.name}`}>
                          Edit
                        </Button>
                        <Button variant="danger" onClick={() => setDeleting(r.name)} aria-label={`Delete realm ${r.name}`}>
                          Delete
                        </Button>
                      </span>
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </QueryState>
        </Card>
        <CreateRealm />
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete realm "${deleting ?? ""}"?`}
        confirmLabel="Delete realm"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ name: deleting })}
      >
        Its secrets, keys and role bindings are deleted with it. This cannot be undone.
      </ConfirmDialog>
      {editing ? <EditRealm key={editing.name} realm={editing} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

function CreateRealm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [issue, setIssue] = useState<string | undefined>();
  const create = useMutation(
    trpc.realms.create.mutationOptions({
      onSuccess: (realm) => {
        toast.success(`Realm "${realm.name}" created.`);
        setName("");
        setDescription("");
        void queryClient.invalidateQueries({ queryKey: trpc.realms.list.queryKey() });
      },
      onError: (err) => {
        setIssue(fieldIssues(err).name);
        toast.error(errorMessage(err));
      },
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = formIssues(ZCreateRealm.pick({ name: true }), { name });
    if (found.name) return setIssue(found.name);
    create.mutate({ name, ...(description.trim() ? { description } : {}) });
  };
  return (
    <Card title="Create a realm">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <TextField
          label="Realm name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setIssue(undefined);
          }}
          error={issue}
          placeholder="payments"
        />
        <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Optional" />
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create realm
        </Button>
      </form>
    </Card>
  );
}

function EditRealm({ realm, onClose }: { realm: { name: string; description: string }; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [description, setDescription] = useState(realm.description);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.realms.update.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Realm "${r.name}" updated.`);
        void queryClient.invalidateQueries({ queryKey: trpc.realms.list.queryKey() });
        onClose();
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = () => {
    const found = formIssues(ZUpdateRealm, { description });
    setIssues(found);
    if (Object.keys(found).length === 0) save.mutate({ name: realm.name, description });
  };
  return (
    <FormDialog open title={`Edit realm "${realm.name}"`} submitLabel="Save realm" busy={save.isPending} onSubmit={onSubmit} onClose={onClose}>
      <p className="text-sm text-muted">A realm&apos;s name is its address in every path and binding, so only its description changes.</p>
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={issues.description} autoFocus />
    </FormDialog>
  );
}
