"use client";
/** The console's one modal: a native <dialog> (focus trapped, Escape closes), titled, with its own buttons below. */
import { useEffect, useId, useRef, type ReactNode } from "react";

export function Dialog({ open, title, children, footer, onClose, wide = false }: { open: boolean; title: string; children: ReactNode; footer: ReactNode; onClose: () => void; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto ${wide ? "w-[40rem]" : "w-[28rem]"} max-w-[calc(100vw-2rem)] rounded-xl border border-line bg-surface p-6 text-fg shadow-2xl`}
    >
      {open ? (
        <>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div className="mt-2 text-sm text-muted">{children}</div>
          <div className="mt-6 flex justify-end gap-2">{footer}</div>
        </>
      ) : null}
    </dialog>
  );
}
