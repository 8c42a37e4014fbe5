"use client";
/**
 * Reviews: step-up requests from review-lane decisions, pending first (refreshed every few
 * seconds), with the composite identity, task, action, resource and the rule that matched;
 * approve (with a note and how long the approval lasts) or deny (with a note).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../errors";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";
import { Badge, Button, Card, formatTime, PageHeader, QueryState, SelectField, TextField } from "../ui";

const LIVE_MS = 3000;
const TTL_CHOICES = [
  ["15m", "15 minutes"],
  ["1h", "1 hour"],
  ["8h", "8 hours"],
] as const;

type State = "" | "pending" | "approved" | "denied" | "expired";

export function ReviewsPage() {
  const trpc = useTRPC();
  const [state, setState] = useState<State>("");
  const reviews = useQuery({ ...trpc.reviews.list.queryOptions(state ? { state } : {}), refetchInterval: LIVE_MS });
  return (
    <>
      <PageHeader title="Reviews" description="Agent actions a policy sent to a human (@lane(&quot;review&quot;)). An approval lets the same request — same user, agent, action and resource — through until it ends. The user an agent acts for cannot decide their own review." />
      <div className="mb-4 max-w-xs">
        <SelectField label="Show" value={state} onChange={(e) => setState(e.target.value as State)}>
          <option value="">All (pending first)</option>
          <option value="pending">Pending</option>
          <option value="approved">Approved</option>
          <option value="denied">Denied</option>
          <option value="expired">Expired</option>
        </SelectField>
      </div>
      <QueryState query={reviews} isEmpty={(d) => d.items.length === 0} empty="No reviews. A review-lane decision opens one here.">
        {(page) => (
          <ul className="flex flex-col gap-4" aria-label="Reviews">
            {page.items.map((r) => (
              <li key={r.id}>
                <ReviewCard review={r} />
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </>
  );
}

interface ReviewItem {
  id: string;
  state: string;
  decision_id: string;
  user: Record<string, unknown>;
  agent: { id: string; name: string; trust_tier: number };
  workload: { sub: string; issuer: string; network: string | null } | null;
  task: string;
  action: string;
  resource: { type: string; id: string };
  policy_id: string | null;
  requested_at: string;
  expires_at: string;
  decided_by: string | null;
  note: string | null;
  approved_until: string | null;
}

function ReviewCard({ review }: { review: ReviewItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [note, setNote] = useState("");
  const [ttl, setTtl] = useState("15m");
  const done = (text: string) => {
    toast.success(text);
    setNote("");
    void queryClient.invalidateQueries({ queryKey: trpc.reviews.list.queryKey() });
  };
  const approve = useMutation(trpc.reviews.approve.mutationOptions({ onSuccess: () => done("Approved."), onError: (e) => toast.error(errorMessage(e)) }));
  const deny = useMutation(trpc.reviews.deny.mutationOptions({ onSuccess: () => done("Denied."), onError: (e) => toast.error(errorMessage(e)) }));
  const pending = review.state === "pending";
  const resource = `${review.resource.type}/${review.resource.id}`;
  const rows: [string, string][] = [
    ["User", `${String(review.user.id)}${review.user.email ? ` (${String(review.user.email)})` : ""}`],
    ["Agent", `${review.agent.name} (${review.agent.id}, tier ${review.agent.trust_tier})`],
    ["Workload", review.workload ? `${review.workload.sub}${review.workload.network ? ` on ${review.workload.network}` : ""}` : "—"],
    ["Task", review.task || "—"],
    ["Action", review.action],
    ["Resource", resource],
    ["Matched rule", review.policy_id ?? "—"],
    ["Requested", formatTime(review.requested_at)],
    [pending ? "Expires" : "Decided by", pending ? formatTime(review.expires_at) : (review.decided_by ?? "—")],
  ];
  if (review.note) rows.push(["Note", review.note]);
  if (review.approved_until) rows.push(["Allowed until", formatTime(review.approved_until)]);
  return (
    <Card title={`${review.action} on ${resource}`} actions={<Badge tone={review.state}>{review.state}</Badge>}>
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-muted">{k}</dt>
            <dd className="break-all">{v}</dd>
          </div>
        ))}
      </dl>
      {pending ? (
        <div className="mt-4 flex flex-wrap items-end gap-3">
          <TextField label="Note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="Why (kept in the audit log)" maxLength={1000} className="min-w-64 flex-1" />
          <SelectField label="Approval lasts" value={ttl} onChange={(e) => setTtl(e.target.value)}>
            {TTL_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <Button variant="primary" busy={approve.isPending} onClick={() => approve.mutate({ id: review.id, ttl, ...(note.trim() ? { note: note.trim() } : {}) })} aria-label={`Approve ${review.action} on ${resource}`}>
            Approve
          </Button>
          <Button variant="danger" busy={deny.isPending} onClick={() => deny.mutate({ id: review.id, ...(note.trim() ? { note: note.trim() } : {}) })} aria-label={`Deny ${review.action} on ${resource}`}>
            Deny
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
