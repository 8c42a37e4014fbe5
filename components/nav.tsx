"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

/** The console's navigation, in order. Add a page here to give it a link (one array, one place). */
export const NAV_ITEMS: { href: string; label: string }[] = [
  { href: "/", label: "Overview" },
  { href: "/realms", label: "Realms" },
  { href: "/secrets", label: "Secrets" },
  { href: "/tokens", label: "Tokens" },
  { href: "/roles", label: "Roles" },
  { href: "/audit", label: "Audit" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/users", label: "Users" },
  { href: "/plugins", label: "Plugins" },
  { href: "/agents", label: "Agents" },
  { href: "/policies", label: "Policies" },
  { href: "/reviews", label: "Reviews" },
  { href: "/engines", label: "Engines" },
  { href: "/leases", label: "Leases" },
  { href: "/gateway", label: "Gateway" },
];

export function Nav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="flex flex-col gap-1">
        {NAV_ITEMS.map((item) => {
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
