import type { Metadata } from "next";
import { RealmsPage } from "@/components/pages/realms";

export const metadata: Metadata = { title: "Realms" };

export default function Page() {
  return <RealmsPage />;
}
