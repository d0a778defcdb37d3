/** Options of `execCommand`. */
export interface ExecCommandOptions {
  /** Client-side deadline for the command in ms (ECI has no server-side one). Default: the client's `commandTimeoutMs` (600000). */
  timeoutMs?: number;
  /**
   * `true` (default): wait for the command and return its output and exit code. `false`: start it
   * and return the exec stream's `websocketUrl` at once (as the seed does); nothing is waited for.
   */
  sync?: boolean;
  /** Working directory of the command. Default: the container's. */
  execDir?: string;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /** Receives stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Receives stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Aborts the command (the stream is closed). */
  signal?: AbortSignal;
}

/** Options of `bash` and `bashWs`. */
export interface BashOptions {
  /** Client-side deadline in ms. Default: the client's `commandTimeoutMs` (600000). */
  timeoutMs?: number;
  /** Directory to `cd` into first. Default: the container's working directory. */
  execDir?: string;
  /** Variables exported for the script. */
  env?: Record<string, string>;
  /** Receives stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Receives stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Aborts the command. */
  signal?: AbortSignal;
}

/** Options of `readFile` and `writeFile`. */
export interface FileOptions {
  /** Deadline of the transfer in ms. Default: the client's `commandTimeoutMs`. */
  timeoutMs?: number;
  /** Aborts the transfer. */
  signal?: AbortSignal;
}

/** Options of `tmuxStart`. */
export interface TmuxStartOptions {
  /** Directory the job starts in. Default: the container's working directory. */
  execDir?: string;
  /** The job's id (tmux session name). Default: generated. */
  sessionId?: string;
  /** tmux scrollback lines kept. Default: tmux-kit's. */
  historyLimit?: number;
  /** Variables exported for the job. */
  env?: Record<string, string>;
}

/** Options of `tmuxPoll`. */
export interface TmuxPollOptions {
  /** Keep only the last N lines of the output read in this call. Default: all of it. */
  tailLines?: number;
  /** Return output from this byte offset of the job's log (use the previous `nextOffset`). */
  offset?: number;
  /** Most bytes of log to read in this call. Default 1 MiB. */
  maxBytes?: number;
}

/** Options of `tmuxWait`. */
export interface TmuxWaitOptions {
  /** How long to wait in ms; on expiry the result says `RUNNING`. Default 600000. */
  timeoutMs?: number;
  /** Remove the tmux session once it completed. Default false. */
  cleanup?: boolean;
  /** Receives the job's output as it arrives. */
  onOutput?: (chunk: string) => void;
  /** Stops waiting (the job keeps running). */
  signal?: AbortSignal;
}

/** Options of `openSession`. */
export interface SessionOptions {
  /** Directory the shell starts in. */
  execDir?: string;
  /** Variables exported in the shell. */
  env?: Record<string, string>;
}
