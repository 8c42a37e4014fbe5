"use client";
/**
 * The roles of one engine mount: their fields and TTLs, a form for a new role, delete with
 * confirmation. Postgres roles are statements; a plugin engine's roles take the fields of
 * its `role_schema`.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ENGINE_NAME } from "@/server/engines/names";
import { parseTtl } from "@/server/tokens/ttl";
import { ConfirmDialog } from "../confirm";
import { errorMessage, showFormError } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, Card, QueryState, ROW, Table, TD, TextAreaField, TextField } from "../ui";
import { splitLines } from "./config-schema-fields";
import { PluginRoleForm } from "./plugin-role-form";

const DEFAULT_CREATION = [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'`, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}"`].join("\n");

const statements = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const ROLE_BASE = new Set(["name", "default_ttl", "max_ttl", "created_at", "updated_at"]);
const POSTGRES = "postgres";

/** A plugin role's own fields, one per line: lists joined with commas. */
function RoleOptions({ role }: { role: Record<string, unknown> }) {
  const entries = Object.entries(role).filter(([k]) => !ROLE_BASE.has(k));
  if (entries.length === 0) return <span className="text-muted">none</span>;
  return (
    <ul className="flex flex-col gap-1 font-mono text-xs">
      {entries.map(([k, v]) => (
        <li key={k} className="break-all">
          {k}: {Array.isArray(v) ? v.map(String).join(", ") : typeof v === "string" ? v : JSON.stringify(v)}
        </li>
      ))}
    </ul>
  );
}

export function RolesEditor({ realm, engine, type, onClose }: { realm: string; engine: string; type: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const roles = useQuery(trpc.engines.roles.queryOptions({ realm, name: engine }));
  const isPlugin = type !== POSTGRES;
  // A plugin's role_schema comes with the plugin list (plugins:read); without it, no role fields are offered.
  const plugins = useQuery({ ...trpc.plugins.list.queryOptions(), enabled: isPlugin, retry: false });
  const roleSchema = (plugins.data ?? []).find((p) => p.engine_type === type)?.role_schema ?? null;
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.engines.roles.queryKey({ realm, name: engine }) });
  const remove = useMutation(
    trpc.engines.deleteRole.mutationOptions({
      onSuccess: (_, { role }) => {
        toast.success(`Role "${role}" deleted; its leases stay revocable.`);
        setDeleting(null);
        void refresh();
      },
      onError: (err) => toast.error(errorMessage(err)),
    }),
  );
  return (
    <Card
      title={`Roles of ${engine}`}
      actions={
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      }
    >
      <QueryState query={roles} isEmpty={(d) => d.length === 0} empty="No roles yet: define one below.">
        {(list) => (
          <Table caption={`Roles of engine ${engine}`} head={["Role", "Default TTL", "Max TTL", isPlugin ? "Fields" : "Statements", ""]}>
            {list.map((r) => (
              <tr key={r.name} className={ROW}>
                <td className={`${TD} font-mono`}>{r.name}</td>
                <td className={TD}>{r.default_ttl}s</td>
                <td className={TD}>{r.max_ttl}s</td>
                <td className={`${TD} max-w-96`}>
                  {isPlugin ? (
                    <RoleOptions role={r} />
                  ) : (
                    <ul className="flex flex-col gap-1 font-mono text-xs">
                      {statements(r.creation_statements).map((s, i) => (
                        <li key={`c${i}`} className="break-all">
                          {s}
                        </li>
                      ))}
                      {statements(r.revocation_statements).length === 0 ? <li className="text-muted">revocation: engine default</li> : null}
                      {statements(r.revocation_statements).map((s, i) => (
                        <li key={`r${i}`} className="break-all text-muted">
                          revoke: {s}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className={`${TD} text-right`}>
                  <Button variant="danger" onClick={() => setDeleting(r.name)} aria-label={`Delete role ${r.name}`}>
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </QueryState>
      {!isPlugin ? (
        <NewRoleForm realm={realm} engine={engine} onDone={() => void refresh()} />
      ) : roleSchema ? (
        <PluginRoleForm key={type} realm={realm} engine={engine} roleSchema={roleSchema} onDone={() => void refresh()} />
      ) : plugins.isPending ? null : (
        <p className="mt-6 border-t border-line pt-4 text-sm text-muted">A {type} role&apos;s fields come from its plugin, and reading plugins needs plugins:read.</p>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete role "${deleting ?? ""}"?`}
        confirmLabel="Delete role"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ realm, name: engine, role: deleting })}
      >
        No new leases can be issued from it. Leases it already issued keep their own copy of the revocation statements and are still revoked at expiry.
      </ConfirmDialog>
    </Card>
  );
}

function NewRoleForm({ realm, engine, onDone }: { realm: string; engine: string; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [form, setForm] = useState({ name: "", creation: DEFAULT_CREATION, revocation: "", defaultTtl: "1h", maxTtl: "24h" });
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation(
    trpc.engines.createRole.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Role "${r.name}" created.`);
        setForm((f) => ({ ...f, name: "" }));
        onDone();
      },
      onError: showFormError(toast, (found) => setIssues(Object.fromEntries(Object.entries(found).map(([k, v]) => [k.replace(/^role\.(role\.)?/, ""), v])))),
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!ENGINE_NAME.test(form.name)) found.name = "Lowercase letters, digits, '_' and '-'.";
    if (!splitLines(form.creation).some((l) => l.includes("{{name}}"))) found.creation_statements = "At least one statement, using {{name}}.";
    if (parseTtl(form.defaultTtl) === null) found.default_ttl = 'A duration such as "1h".';
    if (parseTtl(form.maxTtl) === null) found.max_ttl = 'A duration such as "24h".';
    setIssues(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({
      realm,
      engine,
      role: { name: form.name, creation_statements: splitLines(form.creation), revocation_statements: splitLines(form.revocation), default_ttl: form.defaultTtl, max_ttl: form.maxTtl },
    });
  };
  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4 border-t border-line pt-4" noValidate>
      <h3 className="text-sm font-semibold">New role</h3>
      <TextField label="Role name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={issues.name} placeholder="readonly" />
      <TextAreaField
        label="Creation statements"
        rows={4}
        value={form.creation}
        onChange={(e) => setForm({ ...form, creation: e.target.value })}
        error={issues.creation_statements}
        hint="One statement per line, run in one transaction. {{name}}, {{password}} and {{expiration}} are filled in."
      />
      <TextAreaField
        label="Revocation statements"
        rows={4}
        value={form.revocation}
        onChange={(e) => setForm({ ...form, revocation: e.target.value })}
        error={issues.revocation_statements}
        hint="Empty: end the role's sessions, REASSIGN OWNED and DROP OWNED, then DROP ROLE."
      />
      <div className="grid grid-cols-2 gap-4">
        <TextField label="Default TTL" value={form.defaultTtl} onChange={(e) => setForm({ ...form, defaultTtl: e.target.value })} error={issues.default_ttl} />
        <TextField label="Max TTL" value={form.maxTtl} onChange={(e) => setForm({ ...form, maxTtl: e.target.value })} error={issues.max_ttl} />
      </div>
      <Button type="submit" variant="primary" busy={create.isPending}>
        Create role
      </Button>
    </form>
  );
}
