import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: {
    default: "Arcan",
    template: "%s · Arcan",
  },
  description: "Arcan console: secrets and access control for services and AI agents.",
};

export const viewport: Viewport = {
  colorScheme: "dark",
  themeColor: "#0b0f14",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
