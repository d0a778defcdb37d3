/** Options for one call of a {@link ShellRunner}. */
export interface ShellRunOptions {
  /** Stop the call after this many ms (the runner kills what it started and throws). Default: none. */
  timeoutMs?: number;
  /** Abort the call; the runner stops what it started and throws. */
  signal?: AbortSignal;
  /** Receives stdout as it arrives, chunk by chunk, before the call resolves. */
  onStdout?: (chunk: string) => void;
}

/** What one call of a {@link ShellRunner} returns. Exit codes are data, not errors. */
export interface ShellRunResult {
  /** The script's exit code; `null` when it ended by a signal or the transport did not say. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one bash script somewhere (a local child process, an ECI exec, ssh, docker exec) and
 * returns its output. One call is one API call on ECI. It may throw on transport failure; an error
 * with `retryable: false` is never retried by TmuxKit.
 */
export type ShellRunner = (script: string, options?: ShellRunOptions) => Promise<ShellRunResult>;
