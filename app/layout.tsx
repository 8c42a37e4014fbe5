import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleFrame } from "@/components/console-frame";
import { THEME_BOOT_SCRIPT } from "@/components/theme-toggle";
import { currentIdentity, currentRights, summarize } from "@/server/console/current";
import { NONCE_HEADER, PATH_HEADER } from "@/server/console/security-headers";
import "./globals.css";

export const metadata: Metadata = {
  title: {
    default: "Arcan",
    template: "%s · Arcan",
  },
  description: "Arcan console: secrets and access control for services and AI agents.",
};

export const viewport: Viewport = {
  colorScheme: "dark light",
  themeColor: "#0b0f14",
};

// Every page depends on the session, and on the per-request CSP nonce.
export const dynamic = "force-dynamic";

const SIGN_IN = "/signin";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const requestHeaders = await headers();
  const nonce = requestHeaders.get(NONCE_HEADER) ?? undefined;
  const path = requestHeaders.get(PATH_HEADER) ?? "/";
  const identity = await currentIdentity();
  if (!identity && path !== SIGN_IN) redirect(SIGN_IN);
  if (identity && path === SIGN_IN) redirect("/");
  const rights = identity ? await currentRights(identity) : null;

  return (
    <html lang="en" className="dark" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen">
        <ConsoleFrame identity={identity ? summarize(identity) : null} rights={rights}>{children}</ConsoleFrame>
      </body>
    </html>
  );
}
