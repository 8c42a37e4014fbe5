/** `--exec -- CMD…`: runs the app with the values in its environment, restarts or signals it on change. */
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";

export type OnChange = "restart" | "sighup" | "none";

/** How long a child has to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

export class Supervisor {
  private child: ChildProcess | null = null;
  private restarting = false;

  constructor(
    private readonly command: string[],
    /** Called when the child exits on its own (not for a restart): the agent then exits with its code. */
    private readonly onExit: (code: number) => void,
    private readonly log: (line: string) => void,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  start(env: NodeJS.ProcessEnv): void {
    const [file, ...args] = this.command;
    const child = spawn(file!, args, { stdio: "inherit", env });
    this.child = child;
    child.once("error", (err) => {
      this.log(`cannot run ${file}: ${err.message}`);
      if (this.child === child) this.child = null;
      this.onExit(127);
    });
    child.once("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      if (!this.restarting) this.onExit(code ?? (signal ? 128 + signalNumber(signal) : 1));
    });
  }

  async changed(env: NodeJS.ProcessEnv, mode: OnChange): Promise<void> {
    if (mode === "none" || !this.child) return;
    if (mode === "sighup") {
      this.child.kill("SIGHUP");
      return;
    }
    this.restarting = true;
    try {
      await this.stop("SIGTERM");
      this.log("values changed: restarted the command");
      this.start(env);
    } finally {
      this.restarting = false;
    }
  }

  forward(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Sends `signal` and waits for the exit, killing the child after the grace period. */
  stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
