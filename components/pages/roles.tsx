"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Capability } from "@/server/rbac/capabilities";
import { BindRoleForm } from "../bind-role-form";
import { CapabilityPicker, useCapabilities } from "../capability-picker";
import { ConfirmDialog } from "../confirm";
import { EditRoleDialog, type EditableRole } from "../roles/edit-role";
import { Subject, useSubjectNames } from "../subject";
import { ZCreateRole } from "@/server/rbac/schemas";
import { errorMessage, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";

export function RolesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const roles = useQuery(trpc.roles.list.queryOptions());
  const bindings = useQuery(trpc.bindings.list.queryOptions());
  const capabilities = useCapabilities();
  const [confirm, setConfirm] = useState<{ kind: "role" | "binding"; id: string; label: string } | null>(null);
  const [editing, setEditing] = useState<EditableRole | null>(null);
  const names = useSubjectNames(bindings.data?.map((b) => b.subject) ?? []);
  const onDeleted = (text: string) => {
    toast.success(text);
    setConfirm(null);
    void queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.bindings.list.queryKey() });
  };
  const deleteRole = useMutation(trpc.roles.delete.mutationOptions({ onSuccess: (_, v) => onDeleted(`Role "${v.name}" deleted.`), onError: (e) => toast.error(errorMessage(e)) }));
  const unbind = useMutation(trpc.bindings.delete.mutationOptions({ onSuccess: () => onDeleted("Binding removed."), onError: (e) => toast.error(errorMessage(e)) }));

  return (
    <>
      <PageHeader title="Roles" description="Roles are named sets of capabilities; bindings give a subject a role in one realm or in every realm." />
      <div className="flex flex-col gap-6">
        {/* The matrix box is `relative` so the cells' sr-only text stays inside it (see Table). */}
        <Card title="Capability matrix">
          <QueryState query={roles} isEmpty={(d) => d.length === 0} empty="No roles.">
            {(list) => (
              <div className="relative max-w-full overflow-x-auto" tabIndex={0} role="region" aria-label="Capability matrix table">
                <table className="w-full border-collapse text-sm">
                  <caption className="sr-only">Capabilities granted by each role</caption>
                  <thead>
                    <tr className="border-b border-line">
                      <th scope="col" className="px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-muted">
                        Capability
                      </th>
                      {list.map((r) => (
                        <th key={r.name} scope="col" className="px-3 py-2 text-center font-mono text-xs font-medium">
                          {r.name}
                          {r.builtin ? null : (
                            <>
                              <Button variant="ghost" className="ml-1 px-1 py-0" onClick={() => setEditing({ name: r.name, capabilities: r.capabilities })} aria-label={`Edit capabilities of role ${r.name}`} title="Edit capabilities">
                                ✎
                              </Button>
                              <Button variant="ghost" className="px-1 py-0 text-deny" onClick={() => setConfirm({ kind: "role", id: r.name, label: r.name })} aria-label={`Delete role ${r.name}`}>
                                ×
                              </Button>
                            </>
                          )}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {(capabilities.data ?? []).map((c) => (
                      <tr key={c} className={ROW}>
                        <th scope="row" className="px-3 py-1 text-left font-mono text-xs font-normal">
                          {c}
                        </th>
                        {list.map((r) => {
                          const granted = r.capabilities.includes(c) || r.capabilities.includes("admin");
                          return (
                            <td key={r.name} className={`px-3 py-1 text-center ${granted ? "text-allow" : "text-muted/40"}`}>
                              <span aria-hidden="true">{granted ? "●" : "·"}</span>
                              <span className="sr-only">{granted ? "granted" : "not granted"}</span>
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        </Card>
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
          <Card title="Bindings">
            <QueryState query={bindings} isEmpty={(d) => d.length === 0} empty="No bindings yet.">
              {(list) => (
                <Table caption="Role bindings" head={["Subject", "Role", "Realm", "Created", ""]}>
                  {list.map((b) => (
                    <tr key={b.id} className={ROW}>
                      <td className={TD}>
                        <Subject subject={b.subject} names={names} />
                      </td>
                      <td className={`${TD} font-mono text-xs`}>{b.role}</td>
                      <td className={`${TD} font-mono text-xs`}>{b.realm}</td>
                      <td className={TD_TIME}>{formatTime(b.created_at)}</td>
                      <td className={`${TD} text-right`}>
                        <Button variant="danger" onClick={() => setConfirm({ kind: "binding", id: b.id, label: `${b.role} for ${b.subject}` })} aria-label={`Remove binding of ${b.role} to ${b.subject}`}>
                          Remove
                        </Button>
                      </td>
                    </tr>
                  ))}
                </Table>
              )}
            </QueryState>
          </Card>
          <Card title="Bind a role">
            <BindRoleForm />
          </Card>
        </div>
        <CreateRole />
      </div>
      <EditRoleDialog role={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.kind === "role" ? `Delete role "${confirm.label}"?` : `Remove binding ${confirm?.label ?? ""}?`}
        confirmLabel={confirm?.kind === "role" ? "Delete role" : "Remove binding"}
        busy={deleteRole.isPending || unbind.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          if (confirm?.kind === "role") deleteRole.mutate({ name: confirm.id });
          else if (confirm) unbind.mutate({ id: confirm.id });
        }}
      >
        {confirm?.kind === "role" ? "Every binding of this role is removed with it; subjects lose what it granted at once." : "The subject loses what this role granted at once."}
      </ConfirmDialog>
    </>
  );
}

function CreateRole() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [capabilities, setCapabilities] = useState<Capability[]>([]);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.roles.create.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Role "${r.name}" created.`);
        setName("");
        setDescription("");
        setCapabilities([]);
        void queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = formIssues(ZCreateRole.pick({ name: true, capabilities: true }), { name, capabilities });
    setIssues(found);
    if (Object.keys(found).length === 0) create.mutate({ name, capabilities, ...(description.trim() ? { description } : {}) });
  };
  return (
    <Card title="Create a role">
      <form onSubmit={onSubmit} className="grid grid-cols-1 gap-4 md:grid-cols-[16rem_minmax(0,1fr)]" noValidate>
        <div className="flex flex-col gap-4">
          <TextField label="Role name" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} placeholder="deployer" />
          <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Optional" />
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create role
          </Button>
        </div>
        <CapabilityPicker legend="Capabilities" value={capabilities} onChange={setCapabilities} error={issues.capabilities} />
      </form>
    </Card>
  );
}
