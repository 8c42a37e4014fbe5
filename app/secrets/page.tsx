import type { Metadata } from "next";
import { SecretsPage } from "@/components/pages/secrets";

export const metadata: Metadata = { title: "Secrets" };

export default function Page() {
  return <SecretsPage />;
}
