import type { Config } from "tailwindcss";

// Tailwind 4 reads this file only because app/globals.css loads it with `@config`.
// It holds the console's design tokens; content sources are declared in globals.css.
const systemSans = [
  "ui-sans-serif",
  "system-ui",
  "-apple-system",
  "BlinkMacSystemFont",
  '"Segoe UI"',
  "Roboto",
  '"Helvetica Neue"',
  "Arial",
  '"Noto Sans"',
  "sans-serif",
  '"Apple Color Emoji"',
  '"Segoe UI Emoji"',
];

const systemMono = [
  "ui-monospace",
  "SFMono-Regular",
  "Menlo",
  "Monaco",
  "Consolas",
  '"Liberation Mono"',
  '"DejaVu Sans Mono"',
  "monospace",
];

const config: Config = {
  // The console is dark by default: <html class="dark"> is set in app/layout.tsx.
  darkMode: "selector",
  theme: {
    extend: {
      colors: {
        canvas: "#0b0f14",
        surface: "#111821",
        raised: "#18212d",
        line: "#243041",
        fg: "#e6edf3",
        muted: "#8b98a9",
        accent: "#7c9cff",
        // Decision colours shared by charts, badges and the audit trace.
        allow: "#3fb950",
        review: "#d29922",
        deny: "#f85149",
      },
      fontFamily: {
        sans: systemSans,
        mono: systemMono,
      },
    },
  },
};

export default config;
