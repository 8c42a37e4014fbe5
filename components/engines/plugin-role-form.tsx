"use client";
/**
 * A new role for a plugin engine: name and TTLs, plus the fields of the plugin's
 * `role_schema`, sent flat next to them. The values are checked in the browser with the
 * JSON Schema rules the server applies; the server's refusals land under the same fields.
 */
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { ZRoleName } from "@/server/engines/schemas";
import { parseTtl } from "@/server/tokens/ttl";
import { fieldIssues, formIssues, errorMessage } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, FormFailure, TextField } from "../ui";
import { buildConfig, ConfigSchemaFields, configFields, initialValues, placeIssues, schemaIssues, unplacedIssues, type ConfigValues } from "./config-schema-fields";

const EMPTY = { name: "", defaultTtl: "1h", maxTtl: "24h" };

/** Server issues are named `role.<field>` (tRPC input) or `options.<field>` (the plugin's role_schema). */
const serverIssues = (found: Record<string, string>) => placeIssues(Object.entries(found).map(([field, message]) => ({ field: field.replace(/^role\./, "").replace(/^options\./, ""), message })));

export function PluginRoleForm({ realm, engine, roleSchema, onDone }: { realm: string; engine: string; roleSchema: Record<string, unknown>; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const fields = useMemo(() => configFields(roleSchema), [roleSchema]);
  const [form, setForm] = useState(EMPTY);
  const [values, setValues] = useState<ConfigValues>(() => initialValues(roleSchema, fields));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const create = useMutation(
    trpc.engines.createRole.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Role "${r.name}" created.`);
        setForm(EMPTY);
        setValues(initialValues(roleSchema, fields));
        onDone();
      },
      onError: (err) => {
        setIssues(serverIssues(fieldIssues(err)));
        setFailure(errorMessage(err));
      },
    }),
  );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const built = buildConfig(fields, values);
    const found: Record<string, string> = { ...schemaIssues(roleSchema, built.config), ...built.issues };
    const nameIssue = formIssues(ZRoleName, form.name)[""];
    if (nameIssue) found.name = nameIssue;
    if (parseTtl(form.defaultTtl) === null) found.default_ttl = 'a duration such as "1h"';
    if (parseTtl(form.maxTtl) === null) found.max_ttl = 'a duration such as "24h"';
    setIssues(found);
    setFailure(unplacedIssues(found, (k) => ["name", "default_ttl", "max_ttl"].includes(k) || fields.some((f) => f.key === k)));
    if (Object.keys(found).length > 0) return;
    create.mutate({ realm, engine, role: { ...built.config, name: form.name, default_ttl: form.defaultTtl, max_ttl: form.maxTtl } });
  };

  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4 border-t border-line pt-4" noValidate aria-label="New role">
      <h3 className="text-sm font-semibold">New role</h3>
      <TextField label="Role name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={issues.name} placeholder="reader" autoComplete="off" />
      <ConfigSchemaFields fields={fields} values={values} issues={issues} onChange={(key, value) => setValues((v) => ({ ...v, [key]: value }))} empty="This engine type takes no role fields." />
      <div className="grid grid-cols-2 gap-4">
        <TextField label="Default TTL" value={form.defaultTtl} onChange={(e) => setForm({ ...form, defaultTtl: e.target.value })} error={issues.default_ttl} />
        <TextField label="Max TTL" value={form.maxTtl} onChange={(e) => setForm({ ...form, maxTtl: e.target.value })} error={issues.max_ttl} />
      </div>
      <FormFailure message={failure} testId="role-error" />
      <Button type="submit" variant="primary" busy={create.isPending}>
        Create role
      </Button>
    </form>
  );
}
