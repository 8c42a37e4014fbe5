"use client";
/**
 * Mounting an engine: the type is `postgres` or an installed plugin's engine type, and the
 * config fields follow the type (postgres: its own fields, checked with the postgres
 * contract; a plugin: fields from its config_schema, checked with the JSON Schema rules
 * the server applies). Write-only values never survive a round trip in the form.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { ZEngineName } from "@/server/engines/schemas";
import { ZPostgresConfig } from "@/server/engines/postgres/schemas";
import type { PluginView } from "@/server/plugins/schemas";
import { errorMessage, fieldIssues, formIssues } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Button, Card, FormFailure, SelectField, TextField } from "../ui";
import { buildConfig, ConfigSchemaFields, configFields, initialValues, schemaIssues, unplacedIssues, type ConfigValues } from "./config-schema-fields";

const POSTGRES = "postgres";
const EMPTY_POSTGRES = { connectionUrl: "postgresql://{{username}}:{{password}}@127.0.0.1:5432/app", username: "", password: "", maxOpen: "4" };

/** Field issues from the server are named `config.<field>`; the form's fields are named without the prefix. */
const withoutConfigPrefix = (found: Record<string, string>) => Object.fromEntries(Object.entries(found).map(([k, v]) => [k.replace(/^config\./, ""), v]));

export function MountForm({ realm, onDone }: { realm: string; onDone: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  // Plugin engine types need plugins:read to list; without it only postgres is offered.
  const plugins = useQuery({ ...trpc.plugins.list.queryOptions(), retry: false });
  const pluginTypes = useMemo(() => (plugins.data ?? []).filter((p) => p.state !== "disabled"), [plugins.data]);
  const [type, setType] = useState(POSTGRES);
  const plugin = pluginTypes.find((p) => p.engine_type === type) ?? null;
  const [name, setName] = useState("");
  const [postgres, setPostgres] = useState(EMPTY_POSTGRES);
  const [values, setValues] = useState<ConfigValues>({});
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const fields = useMemo(() => (plugin ? configFields(plugin.config_schema) : []), [plugin]);

  const isPlaced = (key: string) => key === "name" || (plugin ? fields.some((f) => f.key === key) : key in POSTGRES_FIELDS);
  const forgetWriteOnly = () => {
    setPostgres((f) => ({ ...f, password: "" }));
    setValues((v) => Object.fromEntries(Object.entries(v).map(([k, val]) => [k, fields.some((f) => f.key === k && f.writeOnly) ? "" : val])));
  };
  const mount = useMutation(
    trpc.engines.mount.mutationOptions({
      onSuccess: (e) => {
        toast.success(`Engine "${e.name}" mounted.`);
        setName("");
        setPostgres(EMPTY_POSTGRES);
        setValues(plugin ? initialValues(plugin.config_schema, fields) : {});
        onDone();
      },
      onError: (err) => {
        setIssues(withoutConfigPrefix(fieldIssues(err)));
        setFailure(errorMessage(err));
      },
    }),
  );

  const chooseType = (next: string) => {
    setType(next);
    setIssues({});
    setFailure(null);
    const chosen = pluginTypes.find((p) => p.engine_type === next);
    setValues(chosen ? initialValues(chosen.config_schema, configFields(chosen.config_schema)) : {});
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const found = formIssues(ZEngineName, name);
    const nameIssue = found[""];
    let config: Record<string, unknown>;
    let configIssues: Record<string, string>;
    if (plugin) {
      const built = buildConfig(fields, values);
      config = built.config;
      configIssues = { ...schemaIssues(plugin.config_schema, config), ...built.issues };
    } else {
      config = { connection_url: postgres.connectionUrl.trim(), username: postgres.username, password: postgres.password, max_open_connections: Number(postgres.maxOpen) };
      configIssues = formIssues(ZPostgresConfig, config);
    }
    const all: Record<string, string> = { ...configIssues, ...(nameIssue ? { name: nameIssue } : {}) };
    setIssues(all);
    if (Object.keys(all).length > 0) {
      setFailure(unplacedIssues(all, isPlaced));
      return;
    }
    forgetWriteOnly();
    mount.mutate({ realm, name, type: plugin ? plugin.engine_type : POSTGRES, config });
  };

  return (
    <Card title="Mount an engine">
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate aria-label="Mount an engine">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={issues.name} placeholder="pg" autoComplete="off" />
        <SelectField label="Engine type" value={plugin ? type : POSTGRES} onChange={(e) => chooseType(e.target.value)} error={issues.type}>
          <option value={POSTGRES}>postgres (built in)</option>
          {pluginTypes.map((p) => (
            <option key={p.name} value={p.engine_type}>
              {pluginLabel(p)}
            </option>
          ))}
        </SelectField>
        {plugin ? (
          <ConfigSchemaFields fields={fields} values={values} issues={issues} onChange={(key, value) => setValues((v) => ({ ...v, [key]: value }))} />
        ) : (
          <PostgresFields value={postgres} onChange={setPostgres} issues={issues} />
        )}
        <FormFailure message={failure} testId="mount-error" />
        <Button type="submit" variant="primary" busy={mount.isPending}>
          Mount engine
        </Button>
      </form>
    </Card>
  );
}

function pluginLabel(p: PluginView): string {
  return `${p.engine_type} (plugin ${p.name} ${p.version}${p.state === "active" ? "" : `, ${p.state}`})`;
}

const POSTGRES_FIELDS = { connection_url: true, username: true, password: true, max_open_connections: true } as const;

function PostgresFields({ value, onChange, issues }: { value: typeof EMPTY_POSTGRES; onChange: (next: typeof EMPTY_POSTGRES) => void; issues: Record<string, string> }) {
  const set = (k: keyof typeof EMPTY_POSTGRES) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  return (
    <>
      <TextField label="Connection URL" value={value.connectionUrl} onChange={set("connectionUrl")} error={issues.connection_url} hint="Keep {{username}} and {{password}}: Arcan fills them in." autoComplete="off" />
      <TextField label="Root user" value={value.username} onChange={set("username")} error={issues.username} autoComplete="off" />
      <TextField label="Root password" type="password" autoComplete="new-password" value={value.password} onChange={set("password")} error={issues.password} hint="Write-only: never shown again." />
      <TextField label="Max open connections" type="number" min={1} max={100} value={value.maxOpen} onChange={set("maxOpen")} error={issues.max_open_connections} />
    </>
  );
}
