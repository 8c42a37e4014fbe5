import type { Metadata } from "next";
import { GatewayPage } from "@/components/pages/gateway";

export const metadata: Metadata = { title: "Gateway" };

export default function Page() {
  return <GatewayPage />;
}
