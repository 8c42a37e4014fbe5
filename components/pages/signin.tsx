"use client";
import { useState, type FormEvent } from "react";
import { ArcanMark } from "../arcan-mark";
import { signIn } from "../auth-client";
import { ThemeToggle } from "../theme-toggle";
import { Button, TextField } from "../ui";

type Mode = "token" | "operator";

export function SignInPage() {
  const [mode, setMode] = useState<Mode>("token");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 p-8">
      <section className="w-full max-w-md rounded-xl border border-line bg-surface p-8 shadow-lg">
        <div className="flex items-center gap-3">
          <ArcanMark className="h-8 w-8 text-accent" />
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Arcan</h1>
        </div>
        <div role="group" aria-label="Sign-in method" className="mt-6 grid grid-cols-2 gap-1 rounded-lg bg-raised p-1 text-sm">
          {(["token", "operator"] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              onClick={() => setMode(m)}
              className={`rounded-md px-3 py-1.5 font-medium ${mode === m ? "bg-surface text-fg shadow" : "text-muted hover:text-fg"}`}
            >
              {m === "token" ? "Use an API token" : "Use a username"}
            </button>
          ))}
        </div>
        {mode === "token" ? <TokenForm /> : <OperatorForm />}
      </section>
      <ThemeToggle />
    </main>
  );
}

function useSubmit(provider: Mode) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (fields: Record<string, string>) => {
    setBusy(true);
    setError(null);
    const failure = await signIn(provider, fields);
    if (failure === null) {
      // A full load, so the server renders the console frame for the new session.
      window.location.assign("/");
      return;
    }
    setError(failure);
    setBusy(false);
  };
  return { busy, error, submit };
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="rounded-md border border-deny/60 bg-deny/5 px-3 py-2 text-sm text-deny">
      {error}
    </p>
  ) : null;
}

function TokenForm() {
  const { busy, error, submit } = useSubmit("token");
  const [token, setToken] = useState("");
  const [missing, setMissing] = useState(false);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return setMissing(true);
    void submit({ token });
  };
  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4" noValidate>
      <TextField
        label="API token"
        name="token"
        type="password"
        autoComplete="off"
        value={token}
        onChange={(e) => {
          setToken(e.target.value);
          setMissing(false);
        }}
        error={missing ? "Enter an API token." : undefined}
        hint="The admin token printed when the server first started, or any token with console access."
        autoFocus
      />
      <FormError error={error} />
      <Button type="submit" variant="primary" busy={busy}>
        Sign in
      </Button>
    </form>
  );
}

function OperatorForm() {
  const { busy, error, submit } = useSubmit("operator");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [issues, setIssues] = useState<{ username?: string; password?: string }>({});
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = { ...(username.trim() ? {} : { username: "Enter your username." }), ...(password ? {} : { password: "Enter your password." }) };
    setIssues(found);
    if (Object.keys(found).length === 0) void submit({ username, password });
  };
  return (
    <form onSubmit={onSubmit} className="mt-6 flex flex-col gap-4" noValidate>
      <TextField label="Username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} error={issues.username} autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={issues.password} />
      <FormError error={error} />
      <Button type="submit" variant="primary" busy={busy}>
        Sign in
      </Button>
    </form>
  );
}
