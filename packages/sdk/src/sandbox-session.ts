import type { ExecLauncher, RunOptions, StreamOptions } from '@eci-sandbox/exec-stream';
import { ShellSession, shellQuote } from '@eci-sandbox/exec-stream';
import { EciValidationError } from '@eci-sandbox/core-api';
import { commandResultOf, failureOf } from './internal/to-result.js';
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
  /**
   * Directory to run this command in. Default: the session's current directory. With `cwd` or
   * `env`, the command runs in a subshell, so they apply to it alone, and its own `cd` or `export`
   * do not carry over to later commands either.
   */
  cwd?: string;
  /** Variables exported for this command only (see `cwd`). Default: none. */
  env?: Record<string, string>;
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
      return {
        ...empty,
        success: false,
        requestId: '',
        errorMessage: 'the session is closed; open a new one with sandbox.openSession()',
      };
    }
    if (typeof command !== 'string') {
      return { ...empty, ...failureOf(new TypeError('command must be a string of shell code')) };
    }
    let target: SessionTarget | undefined;
    try {
      const script = scopedCommand(command, options);
      const opened = await this.#open();
      target = opened.target;
      const result = await opened.shell.run(script, {
        timeoutMs: this.#timeoutMs(options.timeoutMs),
        ...(options.onStdout === undefined ? {} : { onStdout: options.onStdout }),
        ...(options.onStderr === undefined ? {} : { onStderr: options.onStderr }),
      });
      return { ...commandResultOf(result, target.lastRequestId()), sessionReset: result.sessionReset };
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

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The command with its own directory and variables: `(cd -- DIR || exit; export K=V; COMMAND)`.
 * ShellSession has no per-command cwd/env, and a subshell keeps them from leaking into the
 * session. The command goes on its own lines so a trailing comment or here-document still works.
 */
function scopedCommand(command: string, options: SessionRunOptions): string {
  if (options.cwd === undefined && options.env === undefined) return command;
  const prologue: string[] = [];
  if (options.cwd !== undefined) {
    if (typeof options.cwd !== 'string' || options.cwd === '')
      throw new EciValidationError('run.cwd', 'cwd must be a non-empty directory path');
    prologue.push(`cd -- ${shellQuote(options.cwd, 'run.cwd')} || exit`);
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!VARIABLE_NAME.test(name)) {
      throw new EciValidationError(
        `run.env.${name}`,
        `environment variable name ${JSON.stringify(name)} must be letters, digits and _, not starting with a digit`,
      );
    }
    if (typeof value !== 'string')
      throw new EciValidationError(`run.env.${name}`, `the value of environment variable ${name} must be a string`);
    prologue.push(`export ${name}=${shellQuote(value, `run.env.${name}`)}`);
  }
  return `(\n${prologue.join('\n')}\n${command}\n)`;
}
