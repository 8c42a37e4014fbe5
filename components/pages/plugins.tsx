"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { PLUGIN_NAME } from "@/server/plugins/schemas";
import { ConfirmDialog } from "../confirm";
import { configFields } from "../engines/config-schema-fields";
import { errorMessage, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, Table, TD, TD_TIME, TextField } from "../ui";

const STATE_TONE: Record<string, string> = { active: "success", failed: "failure", disabled: "denied" };
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** A plugin's mount config fields as the list shows them: "name*" required, "(write-only)" never shown again. */
function configLabels(schema: Record<string, unknown>): string[] {
  return configFields(schema).map((f) => `${f.key}${f.required ? "*" : ""}${f.writeOnly ? " (write-only)" : ""}`);
}

export function PluginsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const plugins = useQuery(trpc.plugins.list.queryOptions());
  const crashes = useQuery(trpc.plugins.crashes.queryOptions());
  const [removing, setRemoving] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.plugins.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.plugins.crashes.queryKey() });
  };
  const remove = useMutation(
    trpc.plugins.remove.mutationOptions({
      onSuccess: (_, v) => {
        toast.success(`Plugin "${v.name}" removed.`);
        setRemoving(null);
        refresh();
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  return (
    <>
      <PageHeader title="Plugins" description="Signed, sandboxed plugins add engine types. Only packages signed by a trusted key install; each runs with the host functions its manifest declares." />
      <div className="flex flex-col gap-6">
        <Card title="Installed">
          <QueryState query={plugins} isEmpty={(d) => d.length === 0} empty="No plugins installed.">
            {(list) => (
              <Table caption="Installed plugins" head={["Name", "Version", "Engine type", "State", "Signer", "Host functions", "Mount config", "Installed", ""]}>
                {list.map((p) => (
                  <tr key={p.name} className={ROW}>
                    <td className={`${TD} font-mono text-xs`}>{p.name}</td>
                    <td className={`${TD} font-mono text-xs`}>{p.version}</td>
                    <td className={`${TD} font-mono text-xs`}>{p.engine_type}</td>
                    <td className={TD}>
                      <Badge tone={STATE_TONE[p.state] ?? p.state}>{p.state}</Badge>
                      {p.crash_count > 0 ? <span className="ml-2 text-xs text-muted">{p.crash_count} crash(es)</span> : null}
                    </td>
                    <td className={`${TD} font-mono text-xs`}>{p.signer_key_id}</td>
                    <td className={`${TD} font-mono text-xs`}>{p.host_functions.join(", ") || "none"}</td>
                    <td className={`${TD} font-mono text-xs`}>{configLabels(p.config_schema).join(", ") || "—"}</td>
                    <td className={TD_TIME}>{formatTime(p.installed_at)}</td>
                    <td className={`${TD} text-right`}>
                      <UpgradeForm name={p.name} onDone={refresh} />
                      <Button variant="danger" onClick={() => setRemoving(p.name)} aria-label={`Remove plugin ${p.name}`}>
                        Remove
                      </Button>
                    </td>
                  </tr>
                ))}
              </Table>
            )}
          </QueryState>
        </Card>
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
          <Card title="Recent crashes">
            <QueryState query={crashes} isEmpty={(d) => d.length === 0} empty="No crashes.">
              {(list) => (
                <Table caption="Recent plugin crashes" head={["Time", "Plugin", "Version", "Limit", "Realm", "Detail"]}>
                  {list.map((c) => (
                    <tr key={c.id} className={ROW}>
                      <td className={TD_TIME}>{formatTime(c.at)}</td>
                      <td className={`${TD} font-mono text-xs`}>{c.plugin}</td>
                      <td className={`${TD} font-mono text-xs`}>{c.version}</td>
                      <td className={`${TD} font-mono text-xs`}>{c.limit}</td>
                      <td className={`${TD} font-mono text-xs`}>{c.realm ?? "—"}</td>
                      <td className={`${TD} text-xs`}>{c.detail}</td>
                    </tr>
                  ))}
                </Table>
              )}
            </QueryState>
          </Card>
          <Card title="Install from the registry">
            <InstallForm onDone={refresh} />
          </Card>
        </div>
      </div>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove plugin "${removing ?? ""}"?`}
        confirmLabel="Remove plugin"
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate({ name: removing })}
      >
        Its engine type disappears. Removal is refused while a mount uses it.
      </ConfirmDialog>
    </>
  );
}

function InstallForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [name, setName] = useState("");
  const [version, setVersion] = useState("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const install = useMutation(
    trpc.plugins.install.mutationOptions({
      onSuccess: (p) => {
        toast.success(`Installed ${p.name} ${p.version} (signed by ${p.signer_key_id}).`);
        setName("");
        setVersion("");
        onDone();
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!PLUGIN_NAME.test(name)) found.name = "Lowercase letters, digits and '-', starting with a letter.";
    if (!VERSION.test(version)) found.version = "A version such as 1.2.0.";
    setIssues(found);
    if (Object.keys(found).length === 0) install.mutate({ name, version });
  };
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" noValidate>
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} placeholder="mariadb" />
      <TextField label="Version" value={version} onChange={(e) => setVersion(e.target.value)} error={issues.version} placeholder="1.0.0" />
      <Button type="submit" variant="primary" busy={install.isPending}>
        Install
      </Button>
    </form>
  );
}

function UpgradeForm({ name, onDone }: { name: string; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [version, setVersion] = useState("");
  const upgrade = useMutation(
    trpc.plugins.upgrade.mutationOptions({
      onSuccess: (p) => {
        toast.success(`Upgraded ${p.name} to ${p.version}.`);
        setVersion("");
        onDone();
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  return (
    <form
      className="mr-2 inline-flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (VERSION.test(version)) upgrade.mutate({ name, version });
        else toast.error("Enter a version such as 1.2.0.");
      }}
    >
      <label className="sr-only" htmlFor={`upgrade-${name}`}>{`Upgrade ${name} to version`}</label>
      <input id={`upgrade-${name}`} className="w-20 rounded-md border border-line bg-transparent px-2 py-1 text-xs" value={version} onChange={(e) => setVersion(e.target.value)} placeholder="1.1.0" />
      <Button type="submit" busy={upgrade.isPending}>
        Upgrade
      </Button>
    </form>
  );
}
