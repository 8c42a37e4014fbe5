"use client";
/** An edit form in the shared Dialog: fields above, Cancel and the submit button below (the button submits the form by its id). */
import { useId, type FormEvent, type ReactNode } from "react";
import { Dialog } from "./dialog";
import { Button } from "./ui";

export function FormDialog({
  open,
  title,
  children,
  submitLabel,
  busy = false,
  onSubmit,
  onClose,
  wide = false,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  submitLabel: string;
  busy?: boolean;
  onSubmit: () => void;
  onClose: () => void;
  wide?: boolean;
}) {
  const formId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      wide={wide}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" form={formId} variant="primary" busy={busy}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate className="mt-2 flex flex-col gap-4 text-fg">
        {children}
      </form>
    </Dialog>
  );
}
