import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ExecStreamError, ExecTimeoutError, ExecValidationError, StreamTruncatedError } from './errors.js';
import type { ExecProcess } from './exec-process.js';
import { DEFAULT_MAX_OUTPUT_BYTES, openExec } from './exec-process.js';
import { MarkerScanner } from './internal/marker-scanner.js';
import { OutputBuffer } from './internal/output-buffer.js';
import { parseOptions } from './internal/validate.js';
import type { ExecLauncher } from './launcher.js';
import { DEFAULT_TIMEOUT_MS } from './run.js';
import type { StreamOptions } from './run.js';
import type { ExecLimits } from './shell-encode.js';
import { encodeShellCommand, encodeStdinScript, scriptPrologue } from './shell-encode.js';

export interface ShellSessionOptions extends StreamOptions {
  /** Directory the session starts in. */
  execDir?: string;
  /** Environment variables exported when the session starts (and again after a reset). */
  env?: Record<string, string>;
  /** ExecContainerCommand's limits for the session's bootstrap command. */
  limits?: Partial<ExecLimits>;
  /** Default deadline per command, in ms. Default 60 000; 0 = none. */
  timeoutMs?: number;
  /** Bytes of stdout/stderr kept per command result. Default 16 MiB each. */
  maxOutputBytes?: number;
}

export interface SessionRunOptions {
  /** Deadline for this command, in ms (default: the session's). On expiry the session is reset. */
  timeoutMs?: number;
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  maxOutputBytes?: number;
}

export interface SessionRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  /**
   * True when the session's previous stream had died (a timeout, a dropped connection) and this
   * command ran in a fresh one: cwd and exported variables were back to the session's start.
   */
  sessionReset: boolean;
}

const sessionSchema = z.object({
  timeoutMs: z.number().int().nonnegative().finite().optional(),
  maxOutputBytes: z.number().int().nonnegative().optional(),
  protocol: z.enum(['none', 'v4', 'v5']).optional(),
});

/*
 * The session's loop, run by bash with the stream as stdin. Per command the client sends a header
 * line "<nonce> <length>" and then exactly <length> bytes of command text (`head -c`, no EOF needed).
 * The command runs in a subshell (so `exit`, `set -e`, `exec >file` or a syntax error cannot end the
 * session) with stdin from /dev/null; an EXIT trap saves its cwd and exported variables, which the
 * loop then loads. After each command the loop prints `\n__ECI_S_<nonce>_<code>\n` on stdout and on
 * stderr; the nonce is new per command and never visible to it, so nothing it prints can end it early.
 */
const SESSION_LOOP = `__eci_d=$(mktemp -d) || exit 125
trap 'rm -rf "$__eci_d"' EXIT
while IFS=' ' read -r __eci_k __eci_n; do
  case $__eci_n in ''|*[!0-9]*) exit 0;; esac
  head -c "$__eci_n" >"$__eci_d/c" || exit 125
  (
    __eci_s="$__eci_d/s"
    unset __eci_k __eci_n
    trap '__eci_c=$?; { printf "cd -- %q\\n" "$PWD"; export -p; } >"$__eci_s" 2>/dev/null; exit $__eci_c' EXIT
    . "$__eci_d/c"
  ) </dev/null
  __eci_c=$?
  if [ -f "$__eci_d/s" ]; then
    unset $(compgen -e) 2>/dev/null
    . "$__eci_d/s" 2>/dev/null
    rm -f "$__eci_d/s"
  fi
  printf '\\n%s%s_%d\\n' __ECI_S_ "$__eci_k" "$__eci_c"
  printf '\\n%s%s_%d\\n' __ECI_S_ "$__eci_k" "$__eci_c" >&2
done
`;

interface PendingCommand {
  stdoutScanner: MarkerScanner;
  stderrScanner: MarkerScanner;
  stdout: OutputBuffer;
  stderr: OutputBuffer;
  exitCode: number | undefined;
  stdoutDone: boolean;
  stderrDone: boolean;
  resolve: () => void;
  reject: (error: ExecStreamError) => void;
}

/**
 * A persistent shell over one exec stream: many commands for one ExecContainerCommand call. Commands
 * run one after another (concurrent calls queue), each with its own exit code, stdout and stderr;
 * cwd and exported variables carry over. A command that times out, or a dropped stream, ends the
 * stream; the next command opens a new one (one more launcher call) and says `sessionReset: true`.
 */
export class ShellSession {
  private process: ExecProcess | undefined;
  private current: PendingCommand | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private lostStream = false;
  private calls = 0;
  private resetCount = 0;

  private constructor(
    private readonly launcher: ExecLauncher,
    private readonly options: ShellSessionOptions,
  ) {}

  /** Opens a session (one launcher call now). */
  static async open(launcher: ExecLauncher, options: ShellSessionOptions = {}): Promise<ShellSession> {
    if (typeof launcher !== 'function') throw new ExecValidationError('launcher', 'must be a function returning a WebSocket URL');
    parseOptions(sessionSchema, options);
    const session = new ShellSession(launcher, options);
    await session.connect();
    // One no-op round trip proves the loop is running (a bad execDir, no bash: fail here, once).
    try {
      await session.runNow(':', {});
    } catch (error) {
      session.closed = true;
      session.process?.kill();
      const detail = error instanceof StreamTruncatedError && error.stderr.trim() ? `: ${error.stderr.trim()}` : '';
      throw error instanceof ExecTimeoutError
        ? error
        : new ExecStreamError(`shell session could not start${detail}`, { cause: error });
    }
    return session;
  }

  /** How many times this session called its launcher (1 + one per reset). */
  get launcherCalls(): number {
    return this.calls;
  }

  /** How many times the session's stream was replaced after it died. */
  get resets(): number {
    return this.resetCount;
  }

  /** Runs one command (any bash text) in the session, after any commands already queued. */
  run(command: string, options: SessionRunOptions = {}): Promise<SessionRunResult> {
    if (typeof command !== 'string') return Promise.reject(new ExecValidationError('command', 'must be a string'));
    if (command.includes('\0')) return Promise.reject(new ExecValidationError('command', 'must not contain a NUL byte'));
    try {
      parseOptions(sessionSchema.pick({ timeoutMs: true, maxOutputBytes: true }), options);
    } catch (error) {
      return Promise.reject(error);
    }
    const result = this.queue.then(() => this.runNow(command, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the session: asks the loop to exit, then closes the stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    const process = this.process;
    this.process = undefined;
    if (!process) return;
    try {
      await process.write('quit\n');
      await Promise.race([process.wait(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    } catch {
      // The stream was already gone; nothing to close politely.
    }
    process.close();
  }

  private async connect(): Promise<void> {
    const encoded = encodeShellCommand(SESSION_LOOP, {
      execDir: this.options.execDir,
      env: this.options.env,
      limits: this.options.limits,
      stdin: true,
    });
    let argv: string[];
    let body: Buffer | undefined;
    if (encoded.fits) {
      argv = encoded.argv;
    } else {
      body = Buffer.from(scriptPrologue(this.options) + SESSION_LOOP, 'utf8');
      argv = encodeStdinScript(body.length, { stdin: true }).argv;
    }
    this.calls += 1;
    const url = await this.launcher(argv, { stdin: true, tty: false });
    const process = openExec(url, {
      WebSocket: this.options.WebSocket,
      clientOptions: this.options.clientOptions,
      protocol: this.options.protocol,
      maxOutputBytes: 0,
      onStdoutBytes: (bytes) => this.onOutput('stdout', bytes),
      onStderrBytes: (bytes) => this.onOutput('stderr', bytes),
    });
    this.process = process;
    process.wait().then(
      () => this.onStreamEnd(process, undefined),
      (error: unknown) => this.onStreamEnd(process, error),
    );
    if (body) await process.write(body);
    await process.ready();
  }

  private async runNow(command: string, options: SessionRunOptions): Promise<SessionRunResult> {
    if (this.closed) throw new ExecStreamError('shell session is closed');
    let sessionReset = false;
    if (!this.process) {
      sessionReset = this.lostStream;
      this.lostStream = false;
      if (sessionReset) this.resetCount += 1;
      await this.connect();
    }
    const process = this.process as ExecProcess;
    const nonce = randomBytes(8).toString('hex');
    const marker = `__ECI_S_${nonce}_`;
    const limit = options.maxOutputBytes ?? this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const startedAt = Date.now();
    const finished = new Promise<void>((resolve, reject) => {
      this.current = {
        stdoutScanner: new MarkerScanner(marker, 'first'),
        stderrScanner: new MarkerScanner(marker, 'first'),
        stdout: new OutputBuffer(limit, options.onStdout),
        stderr: new OutputBuffer(limit, options.onStderr),
        exitCode: undefined,
        stdoutDone: false,
        stderrDone: false,
        resolve,
        reject,
      };
    });
    const pending = this.current as PendingCommand;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        pending.reject(new ExecTimeoutError(timeoutMs, 'session command'));
        // The command may still be running: the only way to stop it is to drop the stream.
        this.dropStream(process);
      }, timeoutMs);
    }
    try {
      const body = Buffer.from(command, 'utf8');
      await process.write(Buffer.concat([Buffer.from(`${nonce} ${body.length}\n`), body]));
      await finished;
    } catch (error) {
      if (!(error instanceof ExecStreamError)) throw error;
      if (this.current === pending) this.current = undefined;
      if (error instanceof ExecTimeoutError) throw error;
      // A failed write means the stream died; report it with what the command printed.
      throw error instanceof StreamTruncatedError
        ? error
        : new StreamTruncatedError(`shell session stream ended during the command: ${error.message}`, {
            stdout: pending.stdout.text(),
            stderr: pending.stderr.text(),
          });
    } finally {
      if (timer) clearTimeout(timer);
    }
    return {
      exitCode: pending.exitCode as number,
      stdout: pending.stdout.text(),
      stderr: pending.stderr.text(),
      truncated: pending.stdout.truncated || pending.stderr.truncated,
      durationMs: Date.now() - startedAt,
      sessionReset,
    };
  }

  private onOutput(type: 'stdout' | 'stderr', bytes: Uint8Array): void {
    const pending = this.current;
    // Output between commands (a background job's) belongs to no command.
    if (!pending) return;
    const scanner = type === 'stdout' ? pending.stdoutScanner : pending.stderrScanner;
    const buffer = type === 'stdout' ? pending.stdout : pending.stderr;
    if (type === 'stdout' ? pending.stdoutDone : pending.stderrDone) return;
    const { output, done } = scanner.push(bytes);
    buffer.push(output);
    if (!done) return;
    buffer.end();
    if (type === 'stdout') {
      pending.stdoutDone = true;
      pending.exitCode = done.exitCode;
    } else {
      pending.stderrDone = true;
    }
    if (pending.stdoutDone && pending.stderrDone) {
      this.current = undefined;
      pending.resolve();
    }
  }

  private dropStream(process: ExecProcess): void {
    if (this.process === process) {
      this.process = undefined;
      this.lostStream = true;
    }
    process.kill();
  }

  private onStreamEnd(process: ExecProcess, error: unknown): void {
    if (this.process === process) {
      this.process = undefined;
      this.lostStream = !this.closed;
    }
    const pending = this.current;
    if (pending) {
      this.current = undefined;
      // Bytes held back as a possible marker were output after all.
      if (!pending.stdoutDone) pending.stdout.push(pending.stdoutScanner.finish().output);
      if (!pending.stderrDone) pending.stderr.push(pending.stderrScanner.finish().output);
      const reason = error instanceof Error ? `: ${error.message}` : '';
      pending.reject(
        new StreamTruncatedError(
          `shell session stream ended before the command finished${reason}`,
          { stdout: pending.stdout.text(), stderr: pending.stderr.text() },
          { cause: error },
        ),
      );
    }
  }
}
