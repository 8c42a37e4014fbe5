import type { Metadata } from "next";
import { EnginesPage } from "@/components/pages/engines";

export const metadata: Metadata = { title: "Engines" };

export default function Page() {
  return <EnginesPage />;
}
