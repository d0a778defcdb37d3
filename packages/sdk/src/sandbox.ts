import type { EciSandbox } from './eci-sandbox.js';
import type {
  BashOptions,
  ExecCommandOptions,
  FileOptions,
  LogsOptions,
  SessionOptions,
  TerminalOptions,
  TmuxPollOptions,
  TmuxStartOptions,
  TmuxWaitOptions,
} from './method-options.js';
import type {
  CommandResult,
  LogsResult,
  OperationResult,
  ReadFileResult,
  SandboxInfoResult,
  TerminalResult,
  TmuxListResult,
  TmuxPollResult,
  TmuxStartResult,
  WriteFileResult,
} from './results.js';
import type { SandboxSession } from './sandbox-session.js';

/**
 * One sandbox (one ECI container group). Get one from `client.create()`, `client.get(id)` or
 * `client.getSandbox(id)`. Every method has a twin on `EciSandbox` that takes the id first; like
 * those, none throws for API or transport failures.
 */
export class Sandbox {
  /** The container group id. */
  readonly id: string;
  /** The client this sandbox talks through. */
  readonly client: EciSandbox;

  /** @internal Use `client.create()`, `client.get()` or `client.getSandbox()`. */
  constructor(client: EciSandbox, id: string) {
    this.client = client;
    this.id = id;
  }

  /** Describes the sandbox (one DescribeContainerGroups). */
  info(): Promise<SandboxInfoResult> {
    return this.client.info(this.id);
  }

  /** Deletes the sandbox. `force` skips graceful termination. */
  delete(options: { force?: boolean } = {}): Promise<OperationResult> {
    return this.client.delete(this.id, options);
  }

  /** Restarts the sandbox (only Pending or Running ones). */
  restart(): Promise<OperationResult> {
    return this.client.restart(this.id);
  }

  /** The container's log: what its main process printed (DescribeContainerLog). See `EciSandbox.logs`. */
  logs(options?: LogsOptions): Promise<LogsResult> {
    return this.client.logs(this.id, options);
  }

  /** Runs an argv (no shell). See `EciSandbox.execCommand`. */
  execCommand(argv: string[], options?: ExecCommandOptions): Promise<CommandResult> {
    return this.client.execCommand(this.id, argv, options);
  }

  /** Runs bash code: one ExecContainerCommand, inline when it fits ECI's limits, else over stdin. */
  bash(command: string, options?: BashOptions): Promise<CommandResult> {
    return this.client.bash(this.id, command, options);
  }

  /** Like `bash`, but always sends the script over the WebSocket's stdin (any size). */
  bashWs(command: string, options?: BashOptions): Promise<CommandResult> {
    return this.client.bashWs(this.id, command, options);
  }

  /** Writes a file (string or bytes), atomically, verified by size and sha256. */
  writeFile(path: string, content: string | Uint8Array, options?: FileOptions): Promise<WriteFileResult> {
    return this.client.writeFile(this.id, path, content, options);
  }

  /** Alias of `writeFile` (the seed's name). */
  writeFileWs(path: string, content: string | Uint8Array, options?: FileOptions): Promise<WriteFileResult> {
    return this.client.writeFile(this.id, path, content, options);
  }

  /** Reads a file, verified by size and sha256. */
  readFile(path: string, options?: FileOptions): Promise<ReadFileResult> {
    return this.client.readFile(this.id, path, options);
  }

  /**
   * Streams a file in pieces (bounded memory, one exec), verified by size and sha256 at the end.
   * Throws from the iteration on failure (see `EciSandbox.readFileStream`).
   */
  readFileStream(path: string, options?: FileOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return this.client.readFileStream(this.id, path, options);
  }

  /** Starts a background job in tmux (one exec). */
  tmuxStart(command: string, options?: TmuxStartOptions): Promise<TmuxStartResult> {
    return this.client.tmuxStart(this.id, command, options);
  }

  /** Status and output of a tmux job (one exec). */
  tmuxPoll(sessionId: string, options?: TmuxPollOptions): Promise<TmuxPollResult> {
    return this.client.tmuxPoll(this.id, sessionId, options);
  }

  /** Waits for a tmux job to finish, streaming its output (one exec). */
  tmuxWait(sessionId: string, options?: TmuxWaitOptions): Promise<TmuxPollResult> {
    return this.client.tmuxWait(this.id, sessionId, options);
  }

  /** Kills a tmux job. */
  tmuxKill(sessionId: string): Promise<TmuxPollResult> {
    return this.client.tmuxKill(this.id, sessionId);
  }

  /** Lists the tmux jobs. */
  tmuxList(): Promise<TmuxListResult> {
    return this.client.tmuxList(this.id);
  }

  /**
   * Opens a persistent shell: many commands over one ExecContainerCommand, with `cd` and exports
   * kept between them. Connects on the first `run`; `close()` it when done.
   */
  openSession(options?: SessionOptions): SandboxSession {
    return this.client.openSession(this.id, options);
  }

  /**
   * Starts a program (default: an interactive shell) under a pseudo-terminal of `cols` × `rows`
   * (one ExecContainerCommand with `TTY=true`). See `EciSandbox.openTerminal`.
   */
  openTerminal(options: TerminalOptions): Promise<TerminalResult> {
    return this.client.openTerminal(this.id, options);
  }
}
