"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "../confirm";
import { CopyButton } from "../copy-button";
import { Dialog } from "../dialog";
import { Subject, useSubjectNames } from "../subject";
import { RealmScoped } from "../realm-select";
import { ZSecretParams } from "@/server/secrets/schemas";
import { errorMessage, formIssues, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";


export function SecretsPage() {
  return (
    <>
      <PageHeader title="Secrets" description="Versioned key/value secrets, encrypted with the realm's key. Values are shown only on request, and every reveal is audited." />
      <RealmScoped capability="secrets:read">{(realm) => <RealmSecrets key={realm} realm={realm} />}</RealmScoped>
    </>
  );
}

function RealmSecrets({ realm }: { realm: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const secrets = useQuery(trpc.secrets.list.queryOptions({ realm }));
  const [revealed, setRevealed] = useState<{ key: string; version: number; value: string } | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ key: string; version: number } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.secrets.list.queryKey({ realm }) });

  const reveal = useMutation(
    trpc.secrets.reveal.mutationOptions({
      onSuccess: (s) => setRevealed({ key: s.key, version: s.version, value: s.value }),
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );
  const remove = useMutation(
    trpc.secrets.delete.mutationOptions({
      onSuccess: (_, { key }) => {
        toast.success(`Secret "${key}" deleted.`);
        setDeleting(null);
        if (history === key) setHistory(null);
        void refresh();
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );

  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="flex min-w-0 flex-col gap-6">
        <Card title={`Keys in ${realm}`}>
          <QueryState query={secrets} isEmpty={(d) => d.items.length === 0} empty="No secrets in this realm yet.">
            {(page) => (
              <Table caption={`Secrets in realm ${realm}`} head={["Key", "Version", "Last change", "Actions"]}>
                {page.items.map((s) => (
                  <tr key={s.key} className={ROW}>
                    <td className={`${TD} break-all font-mono`}>{s.key}</td>
                    <td className={TD}>v{s.version}</td>
                    <td className={TD_TIME}>{formatTime(s.updated_at)}</td>
                    <td className={`${TD} text-right`}>
                      <span className="inline-flex flex-wrap justify-end gap-1">
                        <Button onClick={() => reveal.mutate({ realm, key: s.key })} busy={reveal.isPending && reveal.variables.key === s.key} aria-label={`Reveal ${s.key}`}>
                          Reveal
                        </Button>
                        <Button variant="ghost" onClick={() => setHistory(s.key)} aria-label={`History of ${s.key}`}>
                          History
                        </Button>
                        <Button variant="ghost" onClick={() => setEditing({ key: s.key, version: s.version })} aria-label={`New version of ${s.key}`}>
                          New version
                        </Button>
                        <Button variant="danger" onClick={() => setDeleting(s.key)} aria-label={`Delete ${s.key}`}>
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
        {history ? <VersionHistory realm={realm} secretKey={history} onClose={() => setHistory(null)} /> : null}
      </div>
      <WriteSecret
        key={editing ? `${editing.key}@${editing.version}` : "new"}
        realm={realm}
        editing={editing}
        onDone={(key) => {
          setEditing(null);
          if (revealed?.key === key) setRevealed(null);
          void refresh();
          void queryClient.invalidateQueries({ queryKey: trpc.secrets.versions.queryKey({ realm, key }) });
        }}
        onCancel={() => setEditing(null)}
      />
      <Dialog
        open={revealed !== null}
        wide
        title={`Value of ${revealed?.key ?? ""}`}
        onClose={() => setRevealed(null)}
        footer={
          <>
            {revealed ? <CopyButton value={revealed.value} label="Copy value" /> : null}
            <Button onClick={() => setRevealed(null)} autoFocus>
              Close
            </Button>
          </>
        }
      >
        <p className="mb-2">Version {revealed?.version}. This reveal was written to the audit log.</p>
        <pre aria-label="Secret value" className="max-h-80 overflow-auto whitespace-pre-wrap break-all rounded-md bg-raised p-3 font-mono text-xs text-fg">
          {revealed?.value}
        </pre>
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete secret "${deleting ?? ""}"?`}
        confirmLabel="Delete secret"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ realm, key: deleting })}
      >
        Every version of this secret is deleted. Services that read it will get 404.
      </ConfirmDialog>
    </div>
  );
}

function VersionHistory({ realm, secretKey, onClose }: { realm: string; secretKey: string; onClose: () => void }) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.secrets.versions.queryOptions({ realm, key: secretKey }));
  const names = useSubjectNames(versions.data?.map((v) => v.created_by) ?? []);
  return (
    <Card
      title={`Version history of ${secretKey}`}
      actions={
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      }
    >
      <QueryState query={versions} isEmpty={(d) => d.length === 0} empty="No versions.">
        {(list) => (
          <Table caption={`Versions of ${secretKey}`} head={["Version", "Written", "By", ""]}>
            {[...list].reverse().map((v) => (
              <tr key={v.version} className={ROW}>
                <td className={TD}>v{v.version}</td>
                <td className={TD_TIME}>{formatTime(v.created_at)}</td>
                <td className={TD}>
                  <Subject subject={v.created_by} names={names} />
                </td>
                <td className={TD}>{v.current ? <span className="text-xs text-allow">current</span> : null}</td>
              </tr>
            ))}
          </Table>
        )}
      </QueryState>
    </Card>
  );
}

function WriteSecret({ realm, editing, onDone, onCancel }: { realm: string; editing: { key: string; version: number } | null; onDone: (key: string) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  // The parent keys this form by what it edits, so a new target starts from a fresh state.
  const [key, setKey] = useState(editing?.key ?? "");
  const [value, setValue] = useState("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const put = useMutation(
    trpc.secrets.put.mutationOptions({
      onSuccess: (s) => {
        toast.success(`Saved "${s.key}" as version ${s.version}.`);
        setKey("");
        setValue("");
        onDone(s.key);
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = formIssues(ZSecretParams.pick({ key: true }), { key });
    setIssues(found);
    if (Object.keys(found).length === 0) put.mutate({ realm, key, value, ...(editing ? { cas: editing.version } : {}) });
  };
  return (
    <Card title={editing ? `New version of ${editing.key}` : "Write a secret"}>
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <TextField label="Key" value={key} onChange={(e) => setKey(e.target.value)} error={issues.key} readOnly={editing !== null} placeholder="DATABASE_URL" />
        <TextField label="Value" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} error={issues.value} />
        {editing ? <p className="text-xs text-muted">Saved only if v{editing.version} is still the current version.</p> : null}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={put.isPending}>
            {editing ? "Save new version" : "Save secret"}
          </Button>
          {editing ? <Button onClick={onCancel}>Cancel</Button> : null}
        </div>
      </form>
    </Card>
  );
}
