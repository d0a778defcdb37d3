import type { Sandbox } from './sandbox.js';
import type { SandboxTerminal } from './sandbox-terminal.js';

/**
 * What every method of `EciSandbox` and `Sandbox` returns. Methods never throw for API,
 * transport or validation failures: they return `success: false` with a message for people
 * (`errorMessage`) and the typed error for programs (`error`).
 */
export interface OperationResult {
  /** Whether the call itself worked. A command that exits non-zero is still a successful call. */
  success: boolean;
  /** The ECI request id of the last API call made, or `''` when none was made. */
  requestId: string;
  /** A readable reason when `success` is false; `''` otherwise. Never contains secrets. */
  errorMessage: string;
  /**
   * The typed error when `success` is false: an `EciError` subclass from `@eci-sandbox/core-api`
   * (`EciApiError` with `code`, `EciValidationError` with `field`, …), an `ExecStreamError`
   * subclass from `@eci-sandbox/exec-stream`, or a plain `Error` for anything else.
   */
  error?: Error;
}

/** One sandbox (container group) as ECI describes it. */
export interface SandboxInfo {
  /** The container group id, e.g. `eci-2ze…`. */
  sandboxId: string;
  /** The container group name. */
  name: string;
  /** `Pending`, `Running`, `Succeeded`, `Failed`, `Scheduling`, `ScheduleFailed`, `Restarting`, `Updating`, `Terminating` or `Expired`. */
  status: string;
  /** vCPUs. */
  cpu?: number;
  /** Memory in GiB. */
  memory?: number;
  regionId: string;
  zoneId: string;
  intranetIp: string;
  internetIp: string;
  /** RFC 3339 UTC. */
  creationTime: string;
  /** Names of the containers in the group; exec commands run in the first. */
  containerNames: string[];
  /** Tags as a key → value map. */
  tags: Record<string, string>;
  /** The container group exactly as the API returned it. */
  raw: Record<string, unknown>;
}

/** Result of `create`, `get`. */
export interface SandboxResult extends OperationResult {
  /** The sandbox, when the call worked. */
  sandbox?: Sandbox;
  /**
   * Its description: from `get`, and from `create` with `waitUntilRunning` and
   * `describeWhenRunning` (one DescribeContainerGroups once Running; left out if that describe failed).
   */
  info?: SandboxInfo;
  /**
   * The id of a sandbox that was created although the call as a whole failed (for example,
   * `waitUntilRunning` timed out and `deleteOnWaitFailure` was false). You own it: delete it.
   */
  sandboxId?: string;
}

/** Result of `info` / `getInfo`. */
export interface SandboxInfoResult extends OperationResult {
  data?: SandboxInfo;
}

/** One page of `list`. */
export interface SandboxListResult extends OperationResult {
  sandboxIds: string[];
  sandboxes: SandboxInfo[];
  /** Pass to the next `list` call; `''` when this was the last page. */
  nextToken: string;
  totalCount: number;
}

/** Result of a command (`execCommand`, `bash`, `bashWs`, session `run`). */
export interface CommandResult extends OperationResult {
  /** stdout followed by stderr (the seed's `output`). */
  output: string;
  stdout: string;
  stderr: string;
  /** The exit code; `null` when the call failed before one was known. */
  exitCode: number | null;
  /** Whether the output was cut (a stream that ended early, or an output cap). */
  truncated: boolean;
  /** Wall time of the command as seen by the client. */
  durationMs: number;
  /**
   * With `execCommand(…, { sync: false })`: the exec stream's WebSocket URL. It embeds a
   * single-use credential (`?s=…`): do not log it.
   */
  websocketUrl?: string;
  /**
   * Session commands only: the session's stream had died (timeout, dropped connection) and this
   * command ran in a fresh shell, so `cd` and exports from before were lost.
   */
  sessionReset?: boolean;
  /** With `sync: false`: ECI's browser terminal URL, valid for 30 s. */
  httpUrl?: string;
}

/** Result of `readFile`. */
export interface ReadFileResult extends OperationResult {
  /** The file's bytes. */
  content?: Uint8Array;
  /** The bytes decoded as UTF-8 (convenience; decoded when first read). */
  readonly text?: string;
}

/** Result of `writeFile` / `writeFileWs`. */
export interface WriteFileResult extends OperationResult {
  /** Bytes written and verified. */
  bytesWritten: number;
}

/** State of a tmux job. */
export type TmuxStatus = 'RUNNING' | 'COMPLETED' | 'NOT_FOUND' | 'ERROR';

/** Result of `tmuxStart`. */
export interface TmuxStartResult extends OperationResult {
  sessionId: string;
}

/** Result of `tmuxPoll`, `tmuxWait` and `tmuxKill`. */
export interface TmuxPollResult extends OperationResult {
  sessionId: string;
  status: TmuxStatus;
  /** The job's exit code once `COMPLETED`; `null` before. */
  exitCode: number | null;
  /** The job's output from `offset` (default 0) up to `nextOffset` (plain text, escape sequences removed). */
  output: string;
  /** Whether more output waits past `nextOffset` (or lines were dropped by `tailLines`). */
  outputTruncated: boolean;
  /** Byte offset in the job's log to pass to the next poll to continue where this one ended. */
  nextOffset: number;
}

/** One tmux job in `tmuxList`. */
export interface TmuxSessionInfo {
  sessionId: string;
  /** Creation time (ISO 8601), or `''` when unknown. */
  created: string;
  attached: boolean;
  /** `RUNNING` or `COMPLETED`. */
  status: TmuxStatus;
  /** Exit code once completed. */
  exitCode: number | null;
}

/** Result of `tmuxList`. */
export interface TmuxListResult extends OperationResult {
  sessions: TmuxSessionInfo[];
}

/** Result of `openTerminal`. */
export interface TerminalResult extends OperationResult {
  /** The open terminal, when the call worked. */
  terminal?: SandboxTerminal;
}

/** Result of `terminal.wait()`. */
export interface TerminalExitResult extends OperationResult {
  /**
   * The program's exit code when the server reported one; `null` otherwise. Without an exec
   * subprotocol (`execProtocol: 'none'`, the default) ECI reports only non-zero exits, so `null`
   * with `success: true` means the program ended normally.
   */
  exitCode: number | null;
}

/** Result of `logs`. */
export interface LogsResult extends OperationResult {
  /** The container's stdout and stderr as ECI keeps them (the main process's, not exec commands'); `''` on failure. */
  content: string;
  /** The container the log belongs to; `''` on failure. */
  containerName: string;
}
