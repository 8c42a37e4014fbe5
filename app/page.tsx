import { ArcanMark } from "@/components/arcan-mark";

export default function HomePage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-8">
      <section className="w-full max-w-lg rounded-xl border border-line bg-surface p-8 shadow-lg">
        <div className="flex items-center gap-3">
          <ArcanMark className="h-8 w-8 text-accent" />
          <h1 className="text-3xl font-semibold tracking-tight">Arcan</h1>
        </div>
        <p className="mt-4 text-muted">The Arcan console is being built.</p>
      </section>
    </main>
  );
}
