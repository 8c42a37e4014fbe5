"use client";
/**
 * What the signed-in principal may do where (`session.me`): the navigation, realm pickers
 * and "you need …" notices read it, so the console offers only what can work.
 */
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import type { Capability } from "@/server/rbac/capabilities";
import type { SessionMe } from "@/server/session/schemas";
import { useTRPC } from "./trpc";

const SessionContext = createContext<SessionMe | null>(null);

export function SessionProvider({ initial, children }: { initial: SessionMe; children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.session.me.queryOptions(), initialData: initial, staleTime: 30_000 });
  return <SessionContext.Provider value={me.data ?? initial}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionMe | null {
  return useContext(SessionContext);
}

function has(list: readonly Capability[], capability: Capability): boolean {
  return list.includes(capability) || list.includes("admin");
}

/** Holds `capability` in at least one realm, or everywhere. */
export function holdsSomewhere(me: SessionMe | null, capability: Capability): boolean {
  if (!me) return false;
  return me.is_admin || has(me.everywhere, capability) || me.realms.some((r) => has(r.capabilities, capability));
}

/** Holds `capability` in every realm (operations not tied to one realm need this). */
export function holdsEverywhere(me: SessionMe | null, capability: Capability): boolean {
  return !!me && (me.is_admin || has(me.everywhere, capability));
}

/** The realms where `capability` is held: what a realm picker for that page lists. */
export function realmsWith(me: SessionMe | null, capability: Capability): SessionMe["realms"] {
  return me ? me.realms.filter((r) => me.is_admin || has(r.capabilities, capability)) : [];
}
