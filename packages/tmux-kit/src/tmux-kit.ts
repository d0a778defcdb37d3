import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  SessionExistsError,
  SessionNotFoundError,
  TmuxAbortError,
  TmuxKitError,
  TmuxNotFoundError,
  TmuxScriptError,
  TmuxTransportError,
  TmuxValidationError,
} from './errors.js';
import { FrameParser, parseFrames, type Frame } from './internal/frames.js';
import { END_MARKER, OutputDecoder } from './internal/output-decoder.js';
import {
  buildCleanupScript,
  buildKillScript,
  buildListScript,
  buildPollScript,
  buildStartScript,
  buildWaitScript,
  type ScriptContext,
} from './internal/scripts.js';
import { shellQuote } from './shell-quote.js';
import type { ShellRunner, ShellRunResult } from './shell-runner.js';
import { ENV_NAME_PATTERN, generateSessionId, validateSessionId } from './validation.js';

/** What a job is doing. `NOT_FOUND`: no job and no tmux session by that id. */
export type JobStatus = 'RUNNING' | 'COMPLETED' | 'NOT_FOUND';

/** Options of {@link TmuxKit}. */
export interface TmuxKitOptions {
  /**
   * Directory in the sandbox that holds one directory per job (script, complete output log, exit
   * code). A leading `~/` means the sandbox user's `$HOME`. Default: `~/.eci-sandbox/jobs`.
   */
  rootDir?: string;
  /** The tmux program in the sandbox (a name on PATH or a full path). Default: `tmux`. */
  tmuxCommand?: string;
  /** tmux server socket name (`tmux -L`), to keep jobs on their own server. Default: tmux's default. */
  socketName?: string;
  /** tmux server socket path (`tmux -S`); wins over socketName. Default: none. */
  socketPath?: string;
  /** How often the in-sandbox wait loop looks for new output and the exit code, in ms. Default: 50. */
  pollIntervalMs?: number;
  /** How often a wait stream sends a heartbeat while the job is quiet, in ms. Default: 5000. */
  heartbeatMs?: number;
  /** A wait stream that delivers nothing (not even a heartbeat) for this long is dropped and resumed, in ms. Default: 30000. */
  stallTimeoutMs?: number;
  /** How many times in a row `wait` resumes a dropped stream before it gives up. Default: 5. */
  maxResumes?: number;
  /** After SIGTERM, how long `kill` waits before SIGKILL, in ms. Default: 2000. */
  killGraceMs?: number;
  /** Timeout of each one-shot call (start, poll, kill, list, cleanup), in ms. Default: 60000. */
  callTimeoutMs?: number;
  /** Terminal width the job sees. Default: 200. */
  columns?: number;
  /** Terminal height the job sees. Default: 50. */
  rows?: number;
}

/** Options of {@link TmuxKit.start}. */
export interface StartOptions {
  /** Working directory of the job. Default: the directory the runner's shell starts in. */
  cwd?: string;
  /** Environment variables the job gets, on top of the tmux server's environment. */
  env?: Record<string, string>;
  /** The session id (letters, digits, `_`, `-`; up to 64). Default: generated. */
  sessionId?: string;
  /** tmux scrollback of the pane (only what `tmux attach` shows; the log is always complete). Default: tmux's. */
  historyLimit?: number;
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** Options of {@link TmuxKit.poll}. */
export interface PollOptions {
  /** Byte offset in the job's raw log to read from (a previous `nextOffset`). Default: 0. */
  offset?: number;
  /** Most bytes of log to read in this call. Default: 1 MiB. */
  maxBytes?: number;
  /** Return the raw terminal output (escape sequences, `\r\n`) instead of plain text. Default: false. */
  raw?: boolean;
  /**
   * Read the last `maxBytes` of the log instead of reading from `offset` (which is then ignored):
   * the tail of a long output in one call. `nextOffset` still continues from the end. Default: false.
   */
  tail?: boolean;
  signal?: AbortSignal;
}

/** The answer of {@link TmuxKit.poll}. */
export interface PollResult {
  sessionId: string;
  status: JobStatus;
  /** The job's exit code once COMPLETED (130 when killed); null while running or when it was lost. */
  exitCode: number | null;
  /** Output between `offset` and `nextOffset`. */
  output: string;
  /** Byte offset to pass as `offset` next time. */
  nextOffset: number;
  /** More output is already waiting past `nextOffset`: poll again. */
  truncated: boolean;
}

/** Options of {@link TmuxKit.wait}. */
export interface WaitOptions {
  /** Give up after this many ms. Default: wait until the job ends. */
  timeoutMs?: number;
  /** Receives output as it arrives. */
  onOutput?: (text: string) => void;
  /** On timeout, kill the job (one more call) instead of leaving it running. Default: false. */
  killOnTimeout?: boolean;
  /** Once the job has ended, delete its directory (log and exit code) in the same call. Default: false. */
  cleanup?: boolean;
  /** Byte offset to stream from (a previous `nextOffset`). Default: 0. */
  offset?: number;
  /** Plain text (default) or raw terminal output. */
  raw?: boolean;
  /** Keep the output in the result (set false for huge outputs you consume via onOutput). Default: true. */
  collectOutput?: boolean;
  signal?: AbortSignal;
}

/** The answer of {@link TmuxKit.wait}. */
export interface WaitResult extends PollResult {
  /** The timeout passed before the job ended (status RUNNING, or COMPLETED with 130 if killOnTimeout). */
  timedOut: boolean;
  /** How many times a dropped stream was resumed. */
  resumes: number;
  /** Runner calls this wait made. */
  calls: number;
}

/** The answer of {@link TmuxKit.kill}. */
export interface KillResult {
  sessionId: string;
  status: JobStatus;
  exitCode: number | null;
  /** This call stopped a running job (false: it had already ended or did not exist). */
  killed: boolean;
}

/** One entry of {@link TmuxKit.list}. */
export interface SessionInfo {
  sessionId: string;
  created: Date | null;
  /** A tmux client is attached to the session. */
  attached: boolean;
  status: JobStatus;
  exitCode: number | null;
  /** Started by this kit (has a job directory with a log). */
  managed: boolean;
}

/** The answer of {@link TmuxKit.cleanup}. */
export interface CleanupResult {
  removed: string[];
  /** Jobs still running, left in place. */
  running: string[];
}

const DEFAULT_MAX_BYTES = 1024 * 1024;
const WAIT_CHUNK_BYTES = 256 * 1024;
/** How much longer than the wait's own deadline a transport may keep a wait stream open. */
const WAIT_TRANSPORT_GRACE_MS = 5000;

const kitOptionsSchema = z.object({
  rootDir: z.string().min(1).optional(),
  tmuxCommand: z.string().min(1).optional(),
  socketName: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
  socketPath: z.string().min(1).optional(),
  pollIntervalMs: z.number().int().min(10).max(5000).optional(),
  heartbeatMs: z.number().int().min(100).optional(),
  stallTimeoutMs: z.number().int().min(1000).optional(),
  maxResumes: z.number().int().min(0).max(1000).optional(),
  killGraceMs: z.number().int().min(0).max(600_000).optional(),
  callTimeoutMs: z.number().int().positive().optional(),
  columns: z.number().int().min(10).max(1000).optional(),
  rows: z.number().int().min(5).max(1000).optional(),
});

function parseOptions<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.');
    throw new TmuxValidationError(path ? `${prefix}.${path}` : prefix, issue.message);
  }
  return result.data;
}

const startSchema = z.object({
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).optional(),
  sessionId: z.string().optional(),
  historyLimit: z.number().int().min(0).max(100_000_000).optional(),
  signal: z.instanceof(AbortSignal).optional(),
});
const pollSchema = z.object({
  offset: z.number().int().min(0).optional(),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .optional(),
  raw: z.boolean().optional(),
  tail: z.boolean().optional(),
  signal: z.instanceof(AbortSignal).optional(),
});
const waitSchema = z.object({
  timeoutMs: z.number().int().min(0).optional(),
  onOutput: z.custom<(text: string) => void>((value) => typeof value === 'function', 'must be a function').optional(),
  killOnTimeout: z.boolean().optional(),
  cleanup: z.boolean().optional(),
  offset: z.number().int().min(0).optional(),
  raw: z.boolean().optional(),
  collectOutput: z.boolean().optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

function parseExitCode(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  return Number(text);
}

/**
 * Background jobs in tmux, one runner call per operation: `start`, `poll`, `kill`, `list`,
 * `cleanup` are one call each, and `wait` is one streaming call for the whole wait (plus one per
 * resume when the stream drops, plus one `kill` with killOnTimeout).
 */
export class TmuxKit {
  private readonly runner: ShellRunner;
  private readonly options: Required<Omit<TmuxKitOptions, 'socketName' | 'socketPath'>> &
    Pick<TmuxKitOptions, 'socketName' | 'socketPath'>;
  private readonly tmuxWords: string[];
  private readonly rootExpression: string;

  constructor(runner: ShellRunner, options: TmuxKitOptions = {}) {
    if (typeof runner !== 'function') {
      throw new TmuxValidationError('runner', 'must be a ShellRunner function (script, options) => Promise<result>');
    }
    const parsed = parseOptions(kitOptionsSchema, options, 'options');
    this.runner = runner;
    this.options = {
      rootDir: parsed.rootDir ?? '~/.eci-sandbox/jobs',
      tmuxCommand: parsed.tmuxCommand ?? 'tmux',
      socketName: parsed.socketName,
      socketPath: parsed.socketPath,
      pollIntervalMs: parsed.pollIntervalMs ?? 50,
      heartbeatMs: parsed.heartbeatMs ?? 5000,
      stallTimeoutMs: parsed.stallTimeoutMs ?? 30_000,
      maxResumes: parsed.maxResumes ?? 5,
      killGraceMs: parsed.killGraceMs ?? 2000,
      callTimeoutMs: parsed.callTimeoutMs ?? 60_000,
      columns: parsed.columns ?? 200,
      rows: parsed.rows ?? 50,
    };
    this.tmuxWords = [shellQuote(this.options.tmuxCommand, 'options.tmuxCommand')];
    if (parsed.socketPath !== undefined) this.tmuxWords.push('-S', shellQuote(parsed.socketPath, 'options.socketPath'));
    else if (parsed.socketName !== undefined) this.tmuxWords.push('-L', shellQuote(parsed.socketName));
    const root = this.options.rootDir.replace(/\/+$/, '') || '/';
    if (root === '~') this.rootExpression = '"$HOME"';
    else if (root.startsWith('~/')) this.rootExpression = `"$HOME"/${shellQuote(root.slice(2), 'options.rootDir')}`;
    else this.rootExpression = shellQuote(root, 'options.rootDir');
  }

  /**
   * Starts `command` (bash) in a new detached tmux session; returns the session id. One call.
   * The job writes its complete output to its log and, when it ends, its exit code; it survives
   * the client going away.
   */
  async start(command: string, options: StartOptions = {}): Promise<string> {
    if (typeof command !== 'string' || command.trim() === '') {
      throw new TmuxValidationError('command', 'must be a non-empty string of bash');
    }
    if (command.includes('\0')) throw new TmuxValidationError('command', 'must not contain NUL bytes');
    const parsed = parseOptions(startSchema, options, 'options');
    const sessionId = parsed.sessionId === undefined ? generateSessionId() : validateSessionId(parsed.sessionId);
    const exports: string[] = [];
    for (const [name, value] of Object.entries(parsed.env ?? {})) {
      if (!ENV_NAME_PATTERN.test(name)) {
        throw new TmuxValidationError(
          `env.${name}`,
          'is not a valid variable name: use letters, digits and "_", not starting with a digit',
        );
      }
      exports.push(`export ${name}=${shellQuote(value, `env.${name}`)}`);
    }
    if (parsed.cwd !== undefined) shellQuote(parsed.cwd, 'cwd');
    const jobScript = `${exports.join('\n')}${exports.length ? '\n' : ''}${command}\n`;
    const context = this.context();
    const script = buildStartScript(context, {
      sessionId,
      jobBase64: Buffer.from(jobScript, 'utf8').toString('base64'),
      cwd: parsed.cwd,
      historyLimit: parsed.historyLimit,
      columns: this.options.columns,
      rows: this.options.rows,
    });
    const { frames, result } = await this.callOnce(script, context.nonce, parsed.signal);
    const frame = frames.find((candidate) => candidate.kind !== 'BEGIN');
    switch (frame?.kind) {
      case 'STARTED':
        return sessionId;
      case 'EXISTS':
        throw new SessionExistsError(sessionId);
      case 'BAD_CWD':
        throw new TmuxValidationError('cwd', `${JSON.stringify(parsed.cwd)} is not a directory the sandbox can enter`);
      case 'GONE':
        throw new SessionNotFoundError(
          sessionId,
          `tmux session "${sessionId}" ended before it could be confirmed, without recording an exit code`,
        );
      case 'FAIL':
        throw new TmuxScriptError(
          `could not start tmux session "${sessionId}" (${frame.fields[0] ?? 'unknown step'} failed)`,
          result,
        );
      default:
        throw new TmuxScriptError(`starting tmux session "${sessionId}" gave no answer`, result);
    }
  }

  /** The job's status and its output from a byte offset. One call. */
  async poll(sessionId: string, options: PollOptions = {}): Promise<PollResult> {
    validateSessionId(sessionId);
    const parsed = parseOptions(pollSchema, options, 'options');
    const tail = parsed.tail ?? false;
    const maxBytes = parsed.maxBytes ?? DEFAULT_MAX_BYTES;
    const context = this.context();
    const readBytes = maxBytes + END_MARKER.length;
    const script = buildPollScript(context, { sessionId, offset: parsed.offset ?? 0, readBytes, tail });
    const { frames, result } = await this.callOnce(script, context.nonce, parsed.signal);
    const state = frames.find((frame) => frame.kind === 'S');
    if (!state || !frames.some((frame) => frame.kind === 'END')) {
      throw new TmuxScriptError(`polling tmux session "${sessionId}" gave no answer`, result);
    }
    const rawStatus = state.fields[0] ?? 'NOT_FOUND';
    const status = toStatus(rawStatus);
    const exitCode = status === 'COMPLETED' ? parseExitCode(state.fields[1]) : null;
    const dataFrame = frames.find((frame) => frame.kind === 'D');
    let data = Buffer.from(dataFrame?.fields[1] ?? '', 'base64');
    let offset = Number(dataFrame?.fields[0] ?? parsed.offset ?? 0);
    const logSize = Number(frames.find((frame) => frame.kind === 'Z')?.fields[0] ?? '0');
    if (tail && data.indexOf(END_MARKER) === -1 && data.length > maxBytes) {
      // Still running: the room left for the end marker is not needed, keep the last maxBytes.
      offset += data.length - maxBytes;
      data = data.subarray(data.length - maxBytes);
    }
    if (tail && offset > 0) {
      // Start on a whole character: skip UTF-8 continuation bytes cut off from their lead byte.
      let skip = 0;
      while (skip < data.length && skip < 3 && ((data[skip] as number) & 0xc0) === 0x80) skip += 1;
      offset += skip;
      data = data.subarray(skip);
    }
    // Decode at most maxBytes; the extra bytes read are only there to spot the end marker.
    const decoder = new OutputDecoder(offset, parsed.raw ?? false);
    const markerAt = data.indexOf(END_MARKER);
    const visible =
      markerAt !== -1 && markerAt <= maxBytes ? data.subarray(0, markerAt + END_MARKER.length) : data.subarray(0, maxBytes);
    let output = decoder.push(visible);
    const reachedEnd = decoder.ended || offset + visible.length >= logSize;
    // A finished job's last bytes are final: emit even an incomplete character or sequence.
    if (reachedEnd && status !== 'RUNNING') output += decoder.flush();
    const nextOffset = decoder.offset;
    const truncated = !decoder.ended && offset + visible.length < logSize;
    return { sessionId, status, exitCode, output, nextOffset, truncated };
  }

  /**
   * Waits until the job ends, streaming its output. One call for the whole wait while the stream
   * stays up: a loop inside the sandbox sends new output as it appears and notices the exit code
   * within about pollIntervalMs. A dropped stream is resumed from the last byte received.
   */
  async wait(sessionId: string, options: WaitOptions = {}): Promise<WaitResult> {
    validateSessionId(sessionId);
    const parsed = parseOptions(waitSchema, options, 'options');
    const onOutput = options.onOutput;
    const collect = parsed.collectOutput ?? true;
    const decoder = new OutputDecoder(parsed.offset ?? 0, parsed.raw ?? false);
    let rawOffset = parsed.offset ?? 0;
    const pieces: string[] = [];
    const emit = (text: string): void => {
      if (!text) return;
      if (collect) pieces.push(text);
      onOutput?.(text);
    };
    const deadline = parsed.timeoutMs === undefined ? Infinity : Date.now() + parsed.timeoutMs;
    let calls = 0;
    let resumes = 0;
    let failuresInRow = 0;
    let lastError: unknown;

    const finish = (status: JobStatus, exitCode: number | null, timedOut: boolean, flush: boolean): WaitResult => {
      if (flush) emit(decoder.flush());
      return {
        sessionId,
        status,
        exitCode,
        output: pieces.join(''),
        nextOffset: decoder.offset,
        truncated: false,
        timedOut,
        resumes,
        calls,
      };
    };

    for (;;) {
      if (parsed.signal?.aborted) throw new TmuxAbortError('wait was aborted');
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        if (parsed.killOnTimeout) {
          const killed = await this.kill(sessionId, { signal: parsed.signal });
          calls += 1;
          return finish(killed.status, killed.exitCode, true, killed.status !== 'RUNNING');
        }
        return finish('RUNNING', null, true, false);
      }
      const context = this.context();
      const script = buildWaitScript(context, {
        sessionId,
        offset: rawOffset,
        chunkBytes: WAIT_CHUNK_BYTES,
        intervalSeconds: (this.options.pollIntervalMs / 1000).toFixed(3),
        limitSeconds: Number.isFinite(remainingMs) ? Math.ceil(remainingMs / 1000) + 1 : 0,
        heartbeatEvery: Math.max(1, Math.round(this.options.heartbeatMs / this.options.pollIntervalMs)),
        aliveEvery: Math.max(1, Math.round(1000 / this.options.pollIntervalMs)),
        cleanup: parsed.cleanup ?? false,
      });
      let final: Frame | undefined;
      let progressed = false;
      let gap: string | undefined;
      const parser = new FrameParser(context.nonce, (frame) => {
        if (final || gap) return;
        if (frame.kind === 'D') {
          const at = Number(frame.fields[0]);
          let bytes = Buffer.from(frame.fields[1] ?? '', 'base64');
          if (at > rawOffset) {
            gap = `stream skipped from byte ${rawOffset} to ${at}`;
            return;
          }
          if (at < rawOffset) bytes = bytes.subarray(rawOffset - at);
          if (bytes.length === 0) return;
          rawOffset += bytes.length;
          progressed = true;
          emit(decoder.push(bytes));
        } else if (frame.kind === 'E' || frame.kind === 'X' || frame.kind === 'T') {
          final = frame;
        }
      });
      calls += 1;
      const outcome = await this.streamCall(script, parser, {
        signal: parsed.signal,
        deadline,
        stallTimeoutMs: this.options.stallTimeoutMs,
      });
      if (outcome.kind === 'aborted') throw new TmuxAbortError('wait was aborted');
      if (gap) throw new TmuxKitError(`wait on "${sessionId}": ${gap}`);
      if (outcome.kind === 'result' && !final && outcome.result.stdout.includes(`#${context.nonce} NO_TMUX`)) {
        throw new TmuxNotFoundError(this.options.tmuxCommand);
      }
      if (final) {
        const finalFrame: Frame = final;
        if (finalFrame.kind === 'E') {
          return finish('COMPLETED', parseExitCode(finalFrame.fields[0]), false, true);
        }
        if (finalFrame.kind === 'X') {
          const reason = finalFrame.fields[0];
          if (reason === 'NOT_FOUND') return finish('NOT_FOUND', null, false, false);
          // LOST (tmux server gone without an exit code) or a foreign session that ended.
          return finish('COMPLETED', null, false, true);
        }
        // T: the in-sandbox safety limit; the loop re-checks the client's deadline.
        failuresInRow = 0;
        continue;
      }
      if (outcome.kind === 'timeout') continue; // deadline reached: handled at the top of the loop
      if (outcome.kind === 'error') {
        lastError = outcome.error;
        const retryable = (outcome.error as { retryable?: unknown } | null)?.retryable;
        if (retryable === false) throw wrapTransportError(outcome.error, `wait on "${sessionId}"`);
      } else if (outcome.kind === 'result') {
        lastError = new TmuxScriptError(`wait stream on "${sessionId}" ended without its final status`, outcome.result);
      }
      // The stream dropped (an error, a stall, or it ended without the final frame): resume.
      failuresInRow = progressed ? 1 : failuresInRow + 1;
      if (failuresInRow > this.options.maxResumes) {
        if (lastError instanceof TmuxKitError) throw lastError;
        throw wrapTransportError(lastError, `wait on "${sessionId}" failed ${failuresInRow} times in a row`);
      }
      resumes += 1;
    }
  }

  /**
   * Stops a job: SIGTERM to its process group, the tmux session closed, SIGKILL after killGraceMs.
   * A job stopped this way reports exit code 130. Idempotent: killing a finished job changes
   * nothing and reports its exit code. One call.
   */
  async kill(sessionId: string, options: { signal?: AbortSignal } = {}): Promise<KillResult> {
    validateSessionId(sessionId);
    const context = this.context();
    const script = buildKillScript(context, {
      sessionId,
      graceTenths: Math.max(1, Math.ceil(this.options.killGraceMs / 100)),
    });
    const { frames, result } = await this.callOnce(
      script,
      context.nonce,
      options.signal,
      this.options.callTimeoutMs + this.options.killGraceMs,
    );
    const frame = frames.find((candidate) => candidate.kind === 'K');
    switch (frame?.fields[0]) {
      case 'NOT_FOUND':
        return { sessionId, status: 'NOT_FOUND', exitCode: null, killed: false };
      case 'FOREIGN':
        return { sessionId, status: 'COMPLETED', exitCode: null, killed: true };
      case 'DONE':
        return { sessionId, status: 'COMPLETED', exitCode: parseExitCode(frame.fields[1]), killed: false };
      case 'KILLED': {
        const exitCode = parseExitCode(frame.fields[1]);
        return { sessionId, status: 'COMPLETED', exitCode, killed: exitCode === 130 };
      }
      default:
        throw new TmuxScriptError(`killing tmux session "${sessionId}" gave no answer`, result);
    }
  }

  /** Every tmux session on the server and every job this kit keeps files for. One call. */
  async list(options: { signal?: AbortSignal } = {}): Promise<SessionInfo[]> {
    const context = this.context();
    const { frames, result } = await this.callOnce(buildListScript(context), context.nonce, options.signal);
    if (!frames.some((frame) => frame.kind === 'END')) {
      throw new TmuxScriptError('listing tmux sessions gave no answer', result);
    }
    const sessions = new Map<string, { created: number; attached: boolean }>();
    const jobs = new Map<string, { created: number; exitCode: string }>();
    for (const frame of frames) {
      if (frame.kind === 'T') {
        const [created, attached, ...name] = frame.fields;
        sessions.set(name.join(' '), { created: Number(created), attached: Number(attached) > 0 });
      } else if (frame.kind === 'J') {
        const [created, exitCode, ...name] = frame.fields;
        jobs.set(name.join(' '), { created: Number(created), exitCode: exitCode ?? '-' });
      }
    }
    const infos: SessionInfo[] = [];
    for (const [sessionId, job] of jobs) {
      const session = sessions.get(sessionId);
      const done = job.exitCode !== '-';
      infos.push({
        sessionId,
        created: toDate(session?.created ?? job.created),
        attached: session?.attached ?? false,
        // A job with neither a session nor an exit code was lost (its tmux server went away).
        status: done || !session ? 'COMPLETED' : 'RUNNING',
        exitCode: done ? parseExitCode(job.exitCode) : null,
        managed: true,
      });
    }
    for (const [sessionId, session] of sessions) {
      if (jobs.has(sessionId)) continue;
      infos.push({
        sessionId,
        created: toDate(session.created),
        attached: session.attached,
        status: 'RUNNING',
        exitCode: null,
        managed: false,
      });
    }
    return infos.sort((left, right) => (left.created?.getTime() ?? 0) - (right.created?.getTime() ?? 0));
  }

  /** Deletes the files of finished jobs (one job, or all); running jobs are left alone. One call. */
  async cleanup(sessionId?: string, options: { signal?: AbortSignal } = {}): Promise<CleanupResult> {
    if (sessionId !== undefined) validateSessionId(sessionId);
    const context = this.context();
    const { frames, result } = await this.callOnce(buildCleanupScript(context, { sessionId }), context.nonce, options.signal);
    if (!frames.some((frame) => frame.kind === 'END')) {
      throw new TmuxScriptError('cleaning up jobs gave no answer', result);
    }
    return {
      removed: frames.filter((frame) => frame.kind === 'R').map((frame) => frame.fields.join(' ')),
      running: frames.filter((frame) => frame.kind === 'K').map((frame) => frame.fields.join(' ')),
    };
  }

  private context(): ScriptContext {
    return {
      nonce: randomBytes(8).toString('hex'),
      tmuxWords: this.tmuxWords,
      tmuxProgram: this.tmuxWords[0]!,
      rootExpression: this.rootExpression,
    };
  }

  /** One runner call whose answer is parsed whole. */
  private async callOnce(
    script: string,
    nonce: string,
    signal: AbortSignal | undefined,
    timeoutMs = this.options.callTimeoutMs,
  ): Promise<{ frames: Frame[]; result: ShellRunResult }> {
    if (signal?.aborted) throw new TmuxAbortError();
    let result: ShellRunResult;
    try {
      result = await this.runner(script, { timeoutMs, signal });
    } catch (error) {
      if (signal?.aborted) throw new TmuxAbortError('the operation was aborted', { cause: error });
      throw wrapTransportError(error, 'shell call');
    }
    const frames = parseFrames(result.stdout, nonce);
    if (frames.some((frame) => frame.kind === 'NO_TMUX')) throw new TmuxNotFoundError(this.options.tmuxCommand);
    return { frames, result };
  }

  /** One streaming runner call; resolves with how it ended, never throws for transport failures. */
  private streamCall(
    script: string,
    parser: FrameParser,
    limits: { signal: AbortSignal | undefined; deadline: number; stallTimeoutMs: number },
  ): Promise<
    { kind: 'result'; result: ShellRunResult } | { kind: 'error'; error: unknown } | { kind: 'timeout' } | { kind: 'aborted' }
  > {
    return new Promise((resolve) => {
      const controller = new AbortController();
      let settled = false;
      let streamed = false;
      const timers: NodeJS.Timeout[] = [];
      const settle = (outcome: Parameters<typeof resolve>[0]): void => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        clearTimeout(stallTimer);
        limits.signal?.removeEventListener('abort', onAbort);
        controller.abort();
        resolve(outcome);
      };
      const onAbort = (): void => settle({ kind: 'aborted' });
      limits.signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(limits.deadline)) {
        timers.push(setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, limits.deadline - Date.now())));
      }
      const stall = (): void =>
        settle({ kind: 'error', error: new TmuxTransportError(`wait stream stalled: nothing for ${limits.stallTimeoutMs} ms`) });
      let stallTimer = setTimeout(stall, limits.stallTimeoutMs);
      const onStdout = (chunk: string): void => {
        if (settled) return;
        streamed = true;
        clearTimeout(stallTimer);
        stallTimer = setTimeout(stall, limits.stallTimeoutMs);
        parser.push(chunk);
      };
      let call: Promise<ShellRunResult>;
      try {
        // With a deadline, tell the transport too (our own timer fires first); without one, pass
        // no timeoutMs: the stream may legitimately last as long as the job.
        const transportTimeoutMs = Number.isFinite(limits.deadline)
          ? Math.max(0, limits.deadline - Date.now()) + WAIT_TRANSPORT_GRACE_MS
          : undefined;
        call = this.runner(script, {
          signal: controller.signal,
          onStdout,
          ...(transportTimeoutMs === undefined ? {} : { timeoutMs: transportTimeoutMs }),
        });
      } catch (error) {
        settle({ kind: 'error', error });
        return;
      }
      call.then(
        (result) => {
          if (settled) return;
          // A runner that does not stream hands everything over at the end.
          if (!streamed) parser.push(result.stdout);
          parser.end();
          settle({ kind: 'result', result });
        },
        (error: unknown) => {
          if (settled) return;
          parser.end();
          settle({ kind: 'error', error });
        },
      );
    });
  }
}

function toStatus(raw: string): JobStatus {
  if (raw === 'COMPLETED' || raw === 'LOST') return 'COMPLETED';
  if (raw === 'RUNNING' || raw === 'FOREIGN') return 'RUNNING';
  return 'NOT_FOUND';
}

function toDate(seconds: number): Date | null {
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
}

function wrapTransportError(error: unknown, what: string): TmuxKitError {
  if (error instanceof TmuxKitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const retryable = (error as { retryable?: unknown } | null)?.retryable;
  return new TmuxTransportError(`${what} failed: ${message}`, {
    cause: error,
    retryable: retryable !== false,
  });
}

/** Creates a {@link TmuxKit}. */
export function createTmuxKit(runner: ShellRunner, options?: TmuxKitOptions): TmuxKit {
  return new TmuxKit(runner, options);
}
