import type { Metadata } from "next";
import { LeasesPage } from "@/components/pages/leases";

export const metadata: Metadata = { title: "Leases" };

export default function Page() {
  return <LeasesPage />;
}
