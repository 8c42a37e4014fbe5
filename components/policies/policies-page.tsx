"use client";
/**
 * Policies: the numbered versions, a Cedar editor (validated as you type), and for the
 * selected version its source, validation, simulation (deltas table and chart), activation
 * (enforce or shadow, confirmed first), the shadow's disagreements, and a diff against another version.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { ConfirmDialog } from "../confirm";
import { errorMessage } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, ROW, SelectField, Table, TD, TD_TIME } from "../ui";
import { lineDiff } from "./line-diff";
import { PolicyEditor } from "./policy-editor";
import { Simulation, type SimulationResult } from "./simulation";

interface Version {
  id: string;
  version: number;
  state: string;
  description: string;
  source: string;
  rules: { id: string; effect: string; lane: string | null; reason: string | null }[];
  created_by: string;
  created_at: string;
  activated_at: string | null;
}

const STATE_TONE: Record<string, string> = { enforced: "allow", shadow: "review", draft: "", retired: "" };

export function PoliciesPage() {
  const trpc = useTRPC();
  const versions = useQuery(trpc.policies.list.queryOptions());
  const [selected, setSelected] = useState<string | null>(null);
  const [editorSource, setEditorSource] = useState<string | null>(null);
  const items = (versions.data?.items ?? []) as Version[];
  const current = items.find((v) => v.id === selected) ?? null;

  return (
    <>
      <PageHeader title="Policies" description="Cedar policy versions decide every agent action as allow, review or deny. Versions are immutable: write a draft, validate, simulate against recorded decisions, then activate." />
      <div className="flex flex-col gap-6">
        <Card title="Versions">
          <QueryState query={versions} isEmpty={(d) => d.items.length === 0} empty="No policy versions yet. Write one in the editor below; until one is enforced, every decision is a deny.">
            {() => (
              <Table caption="Policy versions" head={["Version", "State", "Rules", "Description", "Created", "Activated"]}>
                {items.map((v) => (
                  <tr key={v.id} className={`${ROW} ${selected === v.id ? "bg-raised" : ""}`}>
                    <td className={TD}>
                      <button type="button" className="font-mono text-xs text-accent underline-offset-2 hover:underline" onClick={() => setSelected(v.id)} aria-label={`Open version ${v.version}`}>
                        v{v.version}
                      </button>
                    </td>
                    <td className={TD}>
                      <Badge tone={STATE_TONE[v.state] ?? ""}>{v.state}</Badge>
                    </td>
                    <td className={`${TD} tabular-nums`}>{v.rules.length}</td>
                    <td className={TD}>{v.description || "—"}</td>
                    <td className={TD_TIME}>{formatTime(v.created_at)}</td>
                    <td className={TD_TIME}>{formatTime(v.activated_at)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </QueryState>
        </Card>
        {current ? <VersionDetail version={current} versions={items} onEdit={() => setEditorSource(current.source)} /> : null}
        <PolicyEditor initial={editorSource} onCreated={(id) => setSelected(id)} />
      </div>
    </>
  );
}

function VersionDetail({ version, versions, onEdit }: { version: Version; versions: Version[]; onEdit: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [confirm, setConfirm] = useState<"enforce" | "shadow" | null>(null);
  const [simulation, setSimulation] = useState<SimulationResult | null>(null);
  const [compareTo, setCompareTo] = useState("");
  const validate = useMutation(trpc.policies.validate.mutationOptions({ onError: (e) => toast.error(errorMessage(e)) }));
  const simulate = useMutation(trpc.policies.simulate.mutationOptions({ onSuccess: (r) => setSimulation(r), onError: (e) => toast.error(errorMessage(e)) }));
  const activate = useMutation(
    trpc.policies.activate.mutationOptions({
      onSuccess: (v) => {
        toast.success(`Version ${v.version} is now ${v.state}.`);
        setConfirm(null);
        void queryClient.invalidateQueries({ queryKey: trpc.policies.list.queryKey() });
      },
      onError: (e) => {
        setConfirm(null);
        toast.error(errorMessage(e));
      },
    }),
  );
  const shadow = useQuery({ ...trpc.policies.shadow.queryOptions({ id: version.id }), enabled: version.state === "shadow", refetchInterval: 5000 });
  const other = versions.find((v) => v.id === compareTo) ?? null;
  const diff = useMemo(() => (other ? lineDiff(other.source, version.source) : null), [other, version.source]);
  const enforced = versions.find((v) => v.state === "enforced");

  return (
    <Card
      title={`Version ${version.version}`}
      actions={
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => validate.mutate({ id: version.id })} busy={validate.isPending}>
            Validate
          </Button>
          <Button onClick={() => simulate.mutate({ id: version.id })} busy={simulate.isPending}>
            Simulate
          </Button>
          <Button onClick={onEdit}>Edit as new draft</Button>
          <Button variant="primary" disabled={version.state === "enforced"} onClick={() => setConfirm("enforce")}>
            Enforce
          </Button>
          <Button disabled={version.state === "shadow" || version.state === "enforced"} onClick={() => setConfirm("shadow")}>
            Run in shadow
          </Button>
        </div>
      }
    >
      <p className="mb-3 text-sm text-muted">
        <Badge tone={STATE_TONE[version.state] ?? ""}>{version.state}</Badge> · created by <span className="font-mono text-xs">{version.created_by}</span> {formatTime(version.created_at)} · {version.id}
      </p>
      {validate.data ? (
        <div role="status" className={`mb-3 text-sm ${validate.data.valid ? "text-allow" : "text-deny"}`}>
          {validate.data.valid ? "Valid against the Arcan schema." : validate.data.errors.map((e, i) => <div key={i}>{`${e.policy_id ?? "document"}: ${e.message}`}</div>)}
        </div>
      ) : null}
      <h3 className="mb-1 text-sm font-medium">Rules</h3>
      <ul className="mb-3 flex flex-wrap gap-2 text-xs">
        {version.rules.map((r) => (
          <li key={r.id} className="rounded border border-line px-2 py-0.5 font-mono">
            {r.effect === "forbid" ? "forbid" : r.lane === "review" ? "review" : "permit"} {r.id}
          </li>
        ))}
      </ul>
      <pre tabIndex={0} role="region" className="mb-4 max-h-96 overflow-auto rounded bg-raised p-3 font-mono text-xs" aria-label={`Source of version ${version.version}`}>
        {version.source}
      </pre>
      {simulation ? <Simulation result={simulation} /> : null}
      {version.state === "shadow" && shadow.data ? (
        <section aria-label="Shadow disagreements" className="mt-4">
          <h3 className="mb-1 text-sm font-medium">Shadow: {shadow.data.disagreements} disagreement(s) in {shadow.data.evaluated} decision(s)</h3>
          <Table caption="Decisions where the shadow version disagreed" head={["Time", "Action", "Resource", "Enforced", "Shadow", "Shadow rule"]}>
            {shadow.data.items.map((d) => (
              <tr key={d.decision_id} className={ROW}>
                <td className={TD_TIME}>{formatTime(d.time)}</td>
                <td className={`${TD} font-mono text-xs`}>{d.action}</td>
                <td className={`${TD} font-mono text-xs`}>{d.resource}</td>
                <td className={TD}>
                  <Badge tone={d.enforced}>{d.enforced}</Badge>
                </td>
                <td className={TD}>
                  <Badge tone={d.shadow}>{d.shadow}</Badge>
                </td>
                <td className={`${TD} font-mono text-xs`}>{d.policy_id_shadow ?? "default deny"}</td>
              </tr>
            ))}
          </Table>
        </section>
      ) : null}
      <div className="mt-4 max-w-xs">
        <SelectField label="Compare with" value={compareTo} onChange={(e) => setCompareTo(e.target.value)}>
          <option value="">No comparison</option>
          {versions
            .filter((v) => v.id !== version.id)
            .map((v) => (
              <option key={v.id} value={v.id}>
                v{v.version} ({v.state})
              </option>
            ))}
        </SelectField>
      </div>
      {diff && other ? (
        <pre tabIndex={0} role="region" className="mt-3 max-h-96 overflow-auto rounded bg-raised p-3 font-mono text-xs" aria-label={`Changes from version ${other.version} to version ${version.version}`}>
          {diff.map((line, i) => (
            <div key={i} className={line.kind === "added" ? "text-allow" : line.kind === "removed" ? "text-deny" : "text-muted"}>
              {line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  "}
              {line.text}
            </div>
          ))}
        </pre>
      ) : null}
      <ConfirmDialog
        open={confirm !== null}
        title={confirm === "enforce" ? `Enforce version ${version.version}?` : `Run version ${version.version} in shadow?`}
        confirmLabel={confirm === "enforce" ? "Enforce" : "Run in shadow"}
        busy={activate.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => confirm && activate.mutate({ id: version.id, mode: confirm })}
      >
        {confirm === "enforce"
          ? `Every decision from now on is made by this version${enforced ? `; version ${enforced.version} is retired` : ""}. Simulate first to see what changes.`
          : "It is evaluated beside the enforced version on every decision; its disagreements are counted and listed here, and it decides nothing."}
      </ConfirmDialog>
    </Card>
  );
}
