import type { Metadata } from "next";
import { AuditPage } from "@/components/pages/audit";
import { ACTION_EVENTS, actionCapabilities } from "@/server/audit/action-names";

export const metadata: Metadata = { title: "Audit" };

export default function Page() {
  return <AuditPage actionNames={{ capabilities: actionCapabilities(), events: { ...ACTION_EVENTS } }} />;
}
