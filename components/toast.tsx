"use client";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

type Tone = "success" | "error" | "info";
interface Toast {
  id: number;
  tone: Tone;
  text: string;
}

const ToastContext = createContext<(tone: Tone, text: string) => void>(() => {});

export function useToast() {
  const push = useContext(ToastContext);
  return useMemo(
    () => ({ success: (text: string) => push("success", text), error: (text: string) => push("error", text), info: (text: string) => push("info", text) }),
    [push],
  );
}

const TONE_CLASS: Record<Tone, string> = {
  success: "border-allow/60",
  error: "border-deny/70",
  info: "border-line",
};

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (tone: Tone, text: string) => {
      const id = Date.now() + Math.random();
      setToasts((list) => [...list.slice(-3), { id, tone, text }]);
      setTimeout(() => dismiss(id), tone === "error" ? 8000 : 5000);
    },
    [dismiss],
  );
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2">
        <div role="status" aria-live="polite" className="flex flex-col gap-2">
          {toasts
            .filter((t) => t.tone !== "error")
            .map((t) => (
              <ToastCard key={t.id} toast={t} onClose={() => dismiss(t.id)} />
            ))}
        </div>
        <div role="alert" aria-live="assertive" className="flex flex-col gap-2">
          {toasts
            .filter((t) => t.tone === "error")
            .map((t) => (
              <ToastCard key={t.id} toast={t} onClose={() => dismiss(t.id)} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function ToastCard({ toast, onClose }: { toast: Toast; onClose: () => void }) {
  return (
    <div className={`pointer-events-auto flex items-start gap-3 rounded-lg border-l-4 border bg-raised px-4 py-3 text-sm shadow-lg ${TONE_CLASS[toast.tone]}`}>
      <p className="min-w-0 flex-1 [overflow-wrap:anywhere]">{toast.text}</p>
      <button type="button" onClick={onClose} className="text-muted hover:text-fg" aria-label="Dismiss notification">
        ×
      </button>
    </div>
  );
}
