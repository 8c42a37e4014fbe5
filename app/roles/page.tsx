import type { Metadata } from "next";
import { RolesPage } from "@/components/pages/roles";

export const metadata: Metadata = { title: "Roles" };

export default function Page() {
  return <RolesPage />;
}
