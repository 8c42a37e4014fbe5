"use client";
import { useState } from "react";
import { Button } from "./ui";

export function CopyButton({ value, label = "Copy", "aria-label": ariaLabel, className }: { value: string; label?: string; "aria-label"?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      aria-label={ariaLabel}
      className={className}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        } catch {
          setCopied(false);
        }
      }}
    >
      {copied ? "Copied" : label}
    </Button>
  );
}
