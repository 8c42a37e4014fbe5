"use client";
/** Change a custom role's capabilities (roles.setCapabilities); every subject bound to it gets the new set at once. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Capability } from "@/server/rbac/capabilities";
import { ZCreateRole } from "@/server/rbac/schemas";
import { CapabilityPicker } from "../capability-picker";
import { formIssues, showFormError } from "../errors";
import { FormDialog } from "../form-dialog";
import { useToast } from "../toast";
import { useTRPC } from "../trpc";

export interface EditableRole {
  name: string;
  capabilities: Capability[];
}

export function EditRoleDialog({ role, onClose }: { role: EditableRole | null; onClose: () => void }) {
  return role ? <EditRoleForm key={role.name} role={role} onClose={onClose} /> : null;
}

function EditRoleForm({ role, onClose }: { role: EditableRole; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [capabilities, setCapabilities] = useState<Capability[]>(role.capabilities);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.roles.setCapabilities.mutationOptions({
      onSuccess: (r) => {
        toast.success(`Role "${r.name}" now grants ${r.capabilities.length} capabilit${r.capabilities.length === 1 ? "y" : "ies"}.`);
        void queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey() });
        onClose();
      },
      onError: showFormError(toast, setIssues),
    }),
  );
  const onSubmit = () => {
    const found = formIssues(ZCreateRole.pick({ capabilities: true }), { capabilities });
    setIssues(found);
    if (Object.keys(found).length === 0) save.mutate({ name: role.name, capabilities });
  };
  return (
    <FormDialog open title={`Edit role "${role.name}"`} submitLabel="Save capabilities" busy={save.isPending} onSubmit={onSubmit} onClose={onClose} wide>
      <p className="text-sm text-muted">Subjects bound to this role get the new set at once, in the realms of their bindings.</p>
      <CapabilityPicker legend="Capabilities" value={capabilities} onChange={setCapabilities} error={issues.capabilities} />
    </FormDialog>
  );
}
