"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { BindRoleForm } from "../bind-role-form";
import { ConfirmDialog } from "../confirm";
import { MIN_PASSWORD, ZCreateUser } from "@/server/users/schemas";
import { errorMessage, fieldIssues, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";


type Panel = { kind: "password" | "bind"; name: string } | null;

export function UsersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const users = useQuery(trpc.users.list.queryOptions());
  const bindings = useQuery(trpc.bindings.list.queryOptions());
  const [panel, setPanel] = useState<Panel>(null);
  const [disabling, setDisabling] = useState<string | null>(null);
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: (u) => {
        toast.success(`Operator "${u.name}" ${u.disabled ? "disabled: their sessions end within the token-cache TTL" : "enabled"}.`);
        setDisabling(null);
        void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );
  const rolesOf = (subject: string) => bindings.data?.filter((b) => b.subject === subject).map((b) => `${b.role}@${b.realm}`) ?? [];

  return (
    <>
      <PageHeader title="Users" description="Operators sign in with a username and password. Each is the RBAC subject user:<name> and can do only what its role bindings allow. Managing operators needs the admin capability." />
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="flex min-w-0 flex-col gap-6">
          <Card title="Operators">
            <QueryState query={users} isEmpty={(d) => d.length === 0} empty="No operators yet. Create one to sign in without an API token.">
              {(list) => (
                <Table caption="Operators" head={["Username", "Roles", "Status", "Created", ""]}>
                  {list.map((u) => (
                    <tr key={u.name} className={ROW}>
                      <td className={`${TD} font-medium`}>{u.name}</td>
                      <td className={`${TD} font-mono text-xs`}>{rolesOf(u.subject).join(", ") || "none"}</td>
                      <td className={TD}>
                        <Badge tone={u.disabled ? "disabled" : "active"}>{u.disabled ? "disabled" : "active"}</Badge>
                      </td>
                      <td className={TD_TIME}>{formatTime(u.created_at)}</td>
                      <td className={`${TD} whitespace-nowrap text-right`}>
                        <span className="inline-flex gap-2">
                          <Button variant="ghost" onClick={() => setPanel({ kind: "bind", name: u.name })} aria-label={`Bind a role to ${u.name}`}>
                            Bind role
                          </Button>
                          <Button variant="ghost" onClick={() => setPanel({ kind: "password", name: u.name })} aria-label={`Reset password of ${u.name}`}>
                            Reset password
                          </Button>
                          {u.disabled ? (
                            <Button onClick={() => setDisabled.mutate({ name: u.name, disabled: false })} aria-label={`Enable ${u.name}`}>
                              Enable
                            </Button>
                          ) : (
                            <Button variant="danger" onClick={() => setDisabling(u.name)} aria-label={`Disable ${u.name}`}>
                              Disable
                            </Button>
                          )}
                        </span>
                      </td>
                    </tr>
                  ))}
                </Table>
              )}
            </QueryState>
          </Card>
          {panel?.kind === "bind" ? (
            <Card title={`Bind a role to ${panel.name}`} actions={<Button variant="ghost" onClick={() => setPanel(null)}>Close</Button>}>
              <BindRoleForm subject={`user:${panel.name}`} onBound={() => setPanel(null)} />
            </Card>
          ) : null}
          {panel?.kind === "password" ? <ResetPassword name={panel.name} onClose={() => setPanel(null)} /> : null}
        </div>
        <CreateUser />
      </div>
      <ConfirmDialog
        open={disabling !== null}
        title={`Disable "${disabling ?? ""}"?`}
        confirmLabel="Disable operator"
        busy={setDisabled.isPending}
        onCancel={() => setDisabling(null)}
        onConfirm={() => disabling && setDisabled.mutate({ name: disabling, disabled: true })}
      >
        The operator cannot sign in, and open sessions lose access within the token-cache TTL. You can enable them again later.
      </ConfirmDialog>
    </>
  );
}

function passwordIssue(password: string): string | undefined {
  return formIssues(ZCreateUser.pick({ password: true }), { password }).password;
}

function CreateUser() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (u) => {
        toast.success(`Operator "${u.name}" created. Bind a role to give them access.`);
        setName("");
        setPassword("");
        void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = formIssues(ZCreateUser, { name, password });
    setIssues(found);
    if (Object.keys(found).length === 0) create.mutate({ name, password });
  };
  return (
    <Card title="Create an operator">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <TextField label="Username" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} placeholder="alice" />
        <TextField label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={issues.password} hint={`At least ${MIN_PASSWORD} characters.`} />
        <Button type="submit" variant="primary" busy={create.isPending}>
          Create operator
        </Button>
      </form>
    </Card>
  );
}

function ResetPassword({ name, onClose }: { name: string; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [password, setPassword] = useState("");
  const [issue, setIssue] = useState<string | undefined>();
  const input = useRef<HTMLDivElement>(null);
  useEffect(() => input.current?.querySelector("input")?.focus(), [name]);
  const reset = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: (u) => {
        toast.success(`Password of "${u.name}" reset.`);
        onClose();
      },
      onError: (err) => {
        setIssue(fieldIssues(err).password);
        toast.error(errorMessage(err));
      },
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const weak = passwordIssue(password);
    setIssue(weak);
    if (!weak) reset.mutate({ name, password });
  };
  return (
    <Card title={`Reset the password of ${name}`} actions={<Button variant="ghost" onClick={onClose}>Close</Button>}>
      <form onSubmit={onSubmit} className="flex max-w-md flex-col gap-4" noValidate>
        <div ref={input}>
          <TextField label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={issue} />
        </div>
        <Button type="submit" variant="primary" busy={reset.isPending}>
          Reset password
        </Button>
      </form>
    </Card>
  );
}
