"use client";
/** The page frame: sidebar navigation, who is signed in, theme toggle, sign-out. The sign-in page gets no frame. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import type { IdentitySummary } from "@/server/console/current";
import type { SessionMe } from "@/server/session/schemas";
import { ArcanMark } from "./arcan-mark";
import { signOut } from "./auth-client";
import { Nav } from "./nav";
import { Providers } from "./providers";
import { SessionProvider } from "./session";
import { ThemeToggle } from "./theme-toggle";
import { Button } from "./ui";

export function ConsoleFrame({ identity, rights, children }: { identity: IdentitySummary | null; rights: SessionMe | null; children: ReactNode }) {
  const pathname = usePathname();
  if (!identity || !rights || pathname === "/signin") return <Providers>{children}</Providers>;
  return (
    <Providers>
      <SessionProvider initial={rights}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-raised focus:px-3 focus:py-2">
        Skip to content
      </a>
      <div className="flex min-h-screen">
        <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col gap-6 border-r border-line bg-surface px-3 py-5">
          <div className="flex items-center gap-2 px-3">
            <ArcanMark className="h-6 w-6 text-accent" />
            <span className="text-lg font-semibold tracking-tight">Arcan</span>
          </div>
          <Nav />
          <Link href="/api-reference" className="mt-auto px-3 text-xs text-muted hover:text-fg">
            API reference
          </Link>
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex items-center justify-end gap-3 border-b border-line px-6 py-3">
            <SignedInAs identity={identity} />
            <ThemeToggle />
            <SignOutButton />
          </header>
          <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-6 py-6">
            {children}
          </main>
        </div>
      </div>
      </SessionProvider>
    </Providers>
  );
}

function SignedInAs({ identity }: { identity: IdentitySummary }) {
  return (
    <p className="mr-auto text-sm text-muted">
      Signed in as <span className="font-medium text-fg">{identity.name}</span> <span className="text-xs">({identity.kind === "token" ? "API token" : "operator"}{identity.isAdmin ? ", admin" : ""})</span>
    </p>
  );
}

function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      busy={busy}
      onClick={async () => {
        setBusy(true);
        await signOut().catch(() => {});
        window.location.assign("/signin");
      }}
    >
      Sign out
    </Button>
  );
}
