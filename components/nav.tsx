"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Capability } from "@/server/rbac/capabilities";
import type { SessionMe } from "@/server/session/schemas";
import { holdsEverywhere, holdsSomewhere, useSession } from "./session";

export interface NavItem {
  href: string;
  label: string;
  /** What the page's main list needs; null: every signed-in principal. */
  capability: Capability | null;
  /** The capability must be held in every realm (the page's data is not per realm). */
  everywhere?: boolean;
}

/** The console's navigation, in order. Add a page here to give it a link (one array, one place). */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", capability: null },
  { href: "/realms", label: "Realms", capability: "realms:read" },
  { href: "/secrets", label: "Secrets", capability: "secrets:read" },
  { href: "/tokens", label: "Tokens", capability: "tokens:read" },
  { href: "/roles", label: "Roles", capability: "roles:read", everywhere: true },
  { href: "/audit", label: "Audit", capability: "audit:read" },
  { href: "/webhooks", label: "Webhooks", capability: "webhooks:read", everywhere: true },
  { href: "/users", label: "Users", capability: "admin", everywhere: true },
  { href: "/plugins", label: "Plugins", capability: "plugins:read", everywhere: true },
  { href: "/agents", label: "Agents", capability: "agents:read", everywhere: true },
  { href: "/policies", label: "Policies", capability: "policies:read", everywhere: true },
  { href: "/reviews", label: "Reviews", capability: "reviews:decide", everywhere: true },
  { href: "/engines", label: "Engines", capability: "engines:read" },
  { href: "/leases", label: "Leases", capability: "leases:read" },
  { href: "/gateway", label: "Gateway", capability: "admin", everywhere: true },
];

/** Whether the principal can use the page at all (its main list would not be refused). */
export function canOpen(me: SessionMe | null, item: NavItem): boolean {
  if (item.capability === null) return true;
  return item.everywhere ? holdsEverywhere(me, item.capability) : holdsSomewhere(me, item.capability);
}

export function Nav() {
  const pathname = usePathname();
  const me = useSession();
  return (
    <nav aria-label="Main">
      <ul className="flex flex-col gap-1">
        {NAV_ITEMS.filter((item) => canOpen(me, item)).map((item) => {
          const current = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={`block rounded-md px-3 py-2 text-sm font-medium ${current ? "bg-raised text-fg" : "text-muted hover:bg-raised hover:text-fg"}`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
