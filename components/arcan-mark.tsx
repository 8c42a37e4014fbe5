type ArcanMarkProps = {
  className?: string;
};

// Inline SVG so the mark needs no asset request and inherits the text colour.
export function ArcanMark({ className }: ArcanMarkProps) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className} fill="none">
      <path d="M16 3 28 28H4L16 3Z" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
      <path d="M10 20h12" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
    </svg>
  );
}
