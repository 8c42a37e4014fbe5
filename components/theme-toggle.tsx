"use client";
import { useState, useSyncExternalStore } from "react";

const STORAGE_KEY = "arcan-theme";

/** Runs before first paint (inline, with the CSP nonce) so a light-theme user sees no dark flash. */
export const THEME_BOOT_SCRIPT = `try{if(localStorage.getItem("${STORAGE_KEY}")==="light"){document.documentElement.classList.replace("dark","light")}}catch(e){}`;

const noChanges = () => () => {};

export function ThemeToggle() {
  // The boot script may have switched the page to light before React ran; the server renders dark.
  const booted = useSyncExternalStore(noChanges, () => document.documentElement.classList.contains("light"), () => false);
  const [chosen, setLight] = useState<boolean | null>(null);
  const light = chosen ?? booted;
  const toggle = () => {
    const next = !light;
    const root = document.documentElement;
    root.classList.remove(next ? "dark" : "light");
    root.classList.add(next ? "light" : "dark");
    try {
      localStorage.setItem(STORAGE_KEY, next ? "light" : "dark");
    } catch {
      // Storage can be unavailable (private mode); the choice then lasts for this page only.
    }
    setLight(next);
  };
  // The label names the theme the button switches to (no aria-pressed: a pressed state with a changing label reads twice).
  return (
    <button type="button" onClick={toggle} title={light ? "Switch to the dark theme" : "Switch to the light theme"} className="rounded-md border border-line px-3 py-1.5 text-sm text-muted hover:text-fg">
      {light ? "Dark theme" : "Light theme"}
    </button>
  );
}
