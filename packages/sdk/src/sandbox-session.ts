import type { ExecLauncher, RunOptions, StreamOptions } from '@eci-sandbox/exec-stream';
import { ShellSession } from '@eci-sandbox/exec-stream';
import { failureOf } from './internal/to-result.js';
import type { SessionOptions } from './method-options.js';
import type { CommandResult } from './results.js';

/** What a session needs to connect: built lazily by the client (container name, credentials). */
export interface SessionTarget {
  launcher: ExecLauncher;
  lastRequestId: () => string;
  stream: StreamOptions;
  limits: RunOptions['limits'];
}

/** Options of `SandboxSession.run`. */
export interface SessionRunOptions {
  /** Deadline of this command in ms. Default: the client's `commandTimeoutMs` (600000). */
  timeoutMs?: number;
  /** Receives stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Receives stderr as it arrives. */
  onStderr?: (chunk: string) => void;
}

/**
 * A persistent shell in a sandbox (exec-stream's `ShellSession` behind the SDK's result
 * objects). All commands share one ExecContainerCommand (one more per reconnect); the working
 * directory and exported variables persist. Commands run one at a time, in call order.
 * Get one from `sandbox.openSession()`.
 */
export class SandboxSession {
  readonly #connect: () => Promise<SessionTarget>;
  readonly #options: SessionOptions;
  readonly #timeoutMs: (timeoutMs: number | undefined) => number;
  #session: Promise<{ shell: ShellSession; target: SessionTarget }> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  /** @internal Use `sandbox.openSession()`. */
  constructor(
    connect: () => Promise<SessionTarget>,
    options: SessionOptions,
    timeoutMs: (timeoutMs: number | undefined) => number,
  ) {
    this.#connect = connect;
    this.#options = options;
    this.#timeoutMs = timeoutMs;
  }

  #open(): Promise<{ shell: ShellSession; target: SessionTarget }> {
    this.#session ??= this.#connect().then(async (target) => ({
      target,
      shell: await ShellSession.open(target.launcher, {
        ...target.stream,
        ...(target.limits === undefined ? {} : { limits: target.limits }),
        ...(this.#options.execDir === undefined ? {} : { execDir: this.#options.execDir }),
        ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
      }),
    }));
    this.#session.catch(() => {
      this.#session = undefined;
    });
    return this.#session;
  }

  /** Runs bash code in the shell. Exit codes are data; `success` is about the call. Never throws. */
  run(command: string, options: SessionRunOptions = {}): Promise<CommandResult> {
    const next = this.#queue.then(() => this.#run(command, options));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(command: string, options: SessionRunOptions): Promise<CommandResult> {
    const empty = { output: '', stdout: '', stderr: '', exitCode: null, truncated: false, durationMs: 0 };
    if (this.#closed) {
      return { ...empty, success: false, requestId: '', errorMessage: 'the session is closed; open a new one with sandbox.openSession()' };
    }
    if (typeof command !== 'string') {
      return { ...empty, ...failureOf(new TypeError('command must be a string of shell code')) };
    }
    let target: SessionTarget | undefined;
    try {
      const opened = await this.#open();
      target = opened.target;
      const result = await opened.shell.run(command, {
        timeoutMs: this.#timeoutMs(options.timeoutMs),
        ...(options.onStdout === undefined ? {} : { onStdout: options.onStdout }),
        ...(options.onStderr === undefined ? {} : { onStderr: options.onStderr }),
      });
      return {
        success: true,
        requestId: target.lastRequestId(),
        errorMessage: '',
        output: result.stdout + result.stderr,
        stdout: result.stdout,
        stderr: result.stderr,
        exitCode: result.exitCode,
        truncated: result.truncated,
        durationMs: result.durationMs,
        sessionReset: result.sessionReset,
      };
    } catch (error) {
      return { ...empty, ...failureOf(error), requestId: target?.lastRequestId() ?? '' };
    }
  }

  /** ExecContainerCommand calls this session has made so far (1, plus 1 per reconnect); 0 before the first `run`. */
  async launcherCalls(): Promise<number> {
    if (this.#session === undefined) return 0;
    try {
      return (await this.#session).shell.launcherCalls;
    } catch {
      return 0;
    }
  }

  /** Ends the shell (and its exec stream). Later `run` calls fail with a message. */
  async close(): Promise<void> {
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    try {
      const { shell } = await session;
      await shell.close();
    } catch {
      // Closing a session that never connected, or whose stream already ended, is not an error.
    }
  }
}
