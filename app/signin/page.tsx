import type { Metadata } from "next";
import { SignInPage } from "@/components/pages/signin";

export const metadata: Metadata = { title: "Sign in" };

export default function Page() {
  return <SignInPage />;
}
