import { TextDecoder } from 'node:util';
import type { ClientOptions, RawData } from 'ws';
import { WebSocket as DefaultWebSocket } from 'ws';
import { z } from 'zod';
import {
  ExecAbortError,
  ExecConnectionError,
  ExecServerError,
  ExecStreamError,
  ExecTimeoutError,
  ExecValidationError,
  StreamTruncatedError,
} from './errors.js';
import {
  Channel,
  SUBPROTOCOL_V4,
  SUBPROTOCOL_V5,
  decodeFrame,
  encodeClose,
  encodeFrame,
  encodeResize,
  parseStatus,
} from './frame.js';
import { MarkerScanner } from './internal/marker-scanner.js';
import { redactExecUrl } from './internal/redact.js';
import { parseOptions } from './internal/validate.js';

/** The `ws` client constructor shape; inject another (a wrapper, a proxy-aware one) through options. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: ClientOptions) => DefaultWebSocket;

export type ExecProtocol = 'none' | 'v4' | 'v5';

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const DEFAULT_STDIN_CHUNK_BYTES = 256 * 1024;
/** Above this many bytes queued in the socket, `write()` waits for the socket to drain. */
const STDIN_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Above this many bytes waiting for an async iterator, reading from the socket pauses. */
const ITERATOR_HIGH_WATER_BYTES = 8 * 1024 * 1024;

export interface OpenExecOptions {
  /** WebSocket constructor (default: `ws`'s). Inject one for proxies or tests. */
  WebSocket?: WebSocketConstructor;
  /**
   * Subprotocol to offer. `none` (default, what is known to work on ECI): raw binary channels, no
   * status on a zero exit. `v4`: `v4.channel.k8s.io`, a JSON status with the exit code on channel 3.
   * `v5`: `v5.channel.k8s.io` (falling back to v4), which adds stdin close (`closeStdin()`).
   */
  protocol?: ExecProtocol;
  /** Client-side deadline for the whole stream, in ms; the socket is closed when it passes. Default: none (0 = none). */
  timeoutMs?: number;
  /** Aborts the stream (the socket is closed, `wait()` rejects with `ExecAbortError`). */
  signal?: AbortSignal;
  /**
   * Bytes of stdout (and, separately, of stderr) kept in memory for `wait()`'s result; beyond it the
   * result says `truncated: true`. Callbacks and iteration still see everything. Default 16 MiB.
   */
  maxOutputBytes?: number;
  /**
   * In-band exit marker to strip from the end of stdout (`\n<marker><code>\n`), as the shell
   * encoders in this package append. Without it, the exit code comes from a v4 status only.
   */
  marker?: string;
  /** The command runs with a terminal (launched with `tty: true`): its marker line ends in `\r\n`. Default false. */
  tty?: boolean;
  /** Called with each piece of stdout, decoded as UTF-8 (characters split across frames are joined). */
  onStdout?: (text: string) => void;
  /** Called with each piece of stderr, decoded as UTF-8. */
  onStderr?: (text: string) => void;
  /** Called with each piece of stdout as raw bytes (marker already stripped). */
  onStdoutBytes?: (bytes: Uint8Array) => void;
  /** Called with each piece of stderr as raw bytes. */
  onStderrBytes?: (bytes: Uint8Array) => void;
  /** Passed to the `ws` client as is: `agent` (proxies), `headers`, `handshakeTimeout`, TLS options. */
  clientOptions?: ClientOptions;
  /** Largest stdin payload per frame, in bytes. Default 256 KiB. */
  stdinChunkBytes?: number;
  /**
   * Decode output as UTF-8 for the `text` of iterated events. Default true. `false` for binary
   * output: events carry `text: ''` and only `bytes`, which saves decoding every byte (that made a
   * binary read about 4x slower). Text callbacks (`onStdout`, `onStderr`) are not affected.
   */
  decodeText?: boolean;
}

export interface ExecResult {
  /** The command's exit code; `null` only when it cannot be known (no marker, no subprotocol, clean close). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Raw bytes behind `stdout` (up to `maxOutputBytes`). */
  stdoutBytes: Uint8Array;
  stderrBytes: Uint8Array;
  /** True when stdout or stderr went past `maxOutputBytes` and only the first bytes were kept. */
  truncated: boolean;
  durationMs: number;
}

export interface ExecOutputEvent {
  type: 'stdout' | 'stderr';
  bytes: Uint8Array;
  /** UTF-8 text of this piece; joined across events it is the exact text of the stream. */
  text: string;
}

const optionsSchema = z.object({
  protocol: z.enum(['none', 'v4', 'v5']).optional(),
  timeoutMs: z.number().int().nonnegative().finite().optional(),
  maxOutputBytes: z.number().int().nonnegative().optional(),
  marker: z
    .string()
    .min(1)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  stdinChunkBytes: z.number().int().positive().optional(),
  decodeText: z.boolean().optional(),
});

/** Checks an exec WebSocket URL; the error never shows its token. */
export function validateExecUrl(url: unknown): URL {
  if (typeof url !== 'string' || url.length === 0)
    throw new ExecValidationError('url', 'must be a non-empty ws:// or wss:// URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ExecValidationError('url', `not a URL: ${redactExecUrl(url).slice(0, 200)}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new ExecValidationError('url', `must use ws:// or wss://, got ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * Opens an exec stream (the `WebSocketUri` of ExecContainerCommand) and returns its process handle.
 * Bad input throws `ExecValidationError` before anything is sent; connection failures surface
 * through `wait()` and `write()`.
 */
export function openExec(url: string, options: OpenExecOptions = {}): ExecProcess {
  validateExecUrl(url);
  parseOptions(optionsSchema, options);
  return new ExecProcess(url, options);
}

type StreamName = 'stdout' | 'stderr';

interface OutputState {
  decoder: TextDecoder;
  kept: Buffer[];
  keptBytes: number;
  totalBytes: number;
  truncated: boolean;
}

/**
 * One command's stream: stdout and stderr kept apart, stdin, resize, kill, and its end. Async
 * iterable (`for await (const event of process)`), which pauses the socket while events wait.
 */
export class ExecProcess implements AsyncIterable<ExecOutputEvent> {
  /** The URL with its token masked, for logs. */
  readonly redactedUrl: string;
  private readonly options: OpenExecOptions;
  private readonly socket: DefaultWebSocket;
  private readonly startedAt = Date.now();
  private readonly scanner: MarkerScanner | undefined;
  private readonly output: Record<StreamName, OutputState>;
  private readonly opened: Promise<void>;
  private readonly ended: Promise<ExecResult>;
  private resolveEnded!: (result: ExecResult) => void;
  private rejectEnded!: (error: ExecStreamError) => void;
  private settled = false;
  private isOpen = false;
  private statusExitCode: number | undefined;
  private serverMessage: string | undefined;
  private connectionError: ExecStreamError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly removeAbortListener: () => void;
  private lastSend: Promise<void> = Promise.resolve();
  private iteratorQueue: ExecOutputEvent[] | undefined;
  private iteratorQueuedBytes = 0;
  private iteratorWake: (() => void) | undefined;
  private paused = false;

  constructor(url: string, options: OpenExecOptions) {
    this.options = options;
    this.redactedUrl = redactExecUrl(url);
    this.scanner = options.marker
      ? new MarkerScanner(options.marker, 'end', { carriageReturn: options.tty ?? false })
      : undefined;
    const newOutput = (): OutputState => ({
      decoder: new TextDecoder('utf-8'),
      kept: [],
      keptBytes: 0,
      totalBytes: 0,
      truncated: false,
    });
    this.output = { stdout: newOutput(), stderr: newOutput() };
    this.ended = new Promise<ExecResult>((resolve, reject) => {
      this.resolveEnded = resolve;
      this.rejectEnded = reject;
    });
    // wait() may never be called (e.g. a caller that only iterates); the rejection is still seen there.
    this.ended.catch(() => undefined);

    const protocols =
      options.protocol === 'v4' ? [SUBPROTOCOL_V4] : options.protocol === 'v5' ? [SUBPROTOCOL_V5, SUBPROTOCOL_V4] : undefined;
    const WebSocketClass = options.WebSocket ?? DefaultWebSocket;
    this.socket = new WebSocketClass(url, protocols, { perMessageDeflate: false, ...options.clientOptions });
    this.socket.binaryType = 'nodebuffer';

    this.opened = new Promise<void>((resolve, reject) => {
      this.socket.once('open', () => {
        this.isOpen = true;
        resolve();
      });
      this.ended.then(
        () => reject(new ExecStreamError('exec stream ended before it opened')),
        (error: unknown) => reject(error),
      );
    });
    this.opened.catch(() => undefined);

    this.socket.on('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      this.connectionError = new ExecConnectionError(
        `exec stream handshake rejected with HTTP ${status} (${this.redactedUrl}); exec URLs are single use, launch a new exec`,
        { httpStatus: status },
      );
      response.resume();
      request.destroy();
      this.fail(this.connectionError);
    });
    this.socket.on('error', (error: Error) => {
      if (!this.isOpen) {
        this.connectionError ??= new ExecConnectionError(`cannot open exec stream ${this.redactedUrl}: ${error.message}`, {
          cause: error,
        });
        this.fail(this.connectionError);
      } else {
        this.connectionError ??= new ExecStreamError(`exec stream error: ${error.message}`, { cause: error });
      }
    });
    this.socket.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    this.socket.on('close', (code: number) => this.onClose(code));

    if (options.timeoutMs) {
      this.timer = setTimeout(() => this.fail(new ExecTimeoutError(options.timeoutMs as number)), options.timeoutMs);
    }
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => this.fail(new ExecAbortError('exec stream was aborted', { cause: signal.reason }));
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener('abort', onAbort, { once: true });
      this.removeAbortListener = () => signal.removeEventListener('abort', onAbort);
    } else {
      this.removeAbortListener = () => undefined;
    }
  }

  /** The negotiated subprotocol (`''` for none); known once open. */
  get protocol(): string {
    return this.socket.protocol;
  }

  /** Resolves once the socket is open. */
  ready(): Promise<void> {
    return this.opened;
  }

  /** Resolves with the command's result when the stream ends; rejects with a typed `ExecStreamError`. */
  wait(): Promise<ExecResult> {
    return this.ended;
  }

  /**
   * Sends bytes to the command's stdin, in frames of `stdinChunkBytes`, waiting whenever the
   * socket's buffer is full. Strings are sent as UTF-8.
   */
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.opened;
    const chunkBytes = this.options.stdinChunkBytes ?? DEFAULT_STDIN_CHUNK_BYTES;
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      await this.sendRaw(encodeFrame(Channel.stdin, bytes.subarray(offset, offset + chunkBytes)));
    }
  }

  /** Ends stdin. Only `v5.channel.k8s.io` can say so; returns false (and sends nothing) otherwise. */
  async closeStdin(): Promise<boolean> {
    await this.opened;
    if (this.socket.protocol !== SUBPROTOCOL_V5) return false;
    await this.sendRaw(encodeClose(Channel.stdin));
    return true;
  }

  /** Tells a TTY command its terminal size. */
  async resize(cols: number, rows: number): Promise<void> {
    for (const [field, value] of [
      ['cols', cols],
      ['rows', rows],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 65535) {
        throw new ExecValidationError(field, 'must be an integer from 1 to 65535');
      }
    }
    await this.opened;
    await this.sendRaw(encodeResize(cols, rows));
  }

  /** Drops the stream at once; the server ends the command. `wait()` rejects with `ExecAbortError`. */
  kill(): void {
    this.fail(new ExecAbortError('exec stream was killed'));
  }

  /** Closes the stream politely. If the command had not finished, `wait()` rejects with `ExecAbortError`. */
  close(): void {
    if (this.settled) return;
    this.fail(new ExecAbortError('exec stream was closed before the command finished'), false);
  }

  [Symbol.asyncIterator](): AsyncIterator<ExecOutputEvent> {
    this.iteratorQueue ??= [];
    const queue = this.iteratorQueue;
    return {
      next: async (): Promise<IteratorResult<ExecOutputEvent>> => {
        for (;;) {
          const event = queue.shift();
          if (event) {
            this.iteratorQueuedBytes -= event.bytes.length;
            if (this.paused && this.iteratorQueuedBytes < ITERATOR_HIGH_WATER_BYTES / 2) {
              this.paused = false;
              this.socket.resume();
            }
            return { value: event, done: false };
          }
          if (this.settled) {
            await this.ended;
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => {
            this.iteratorWake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<ExecOutputEvent>> => {
        this.iteratorQueue = undefined;
        if (this.paused) {
          this.paused = false;
          this.socket.resume();
        }
        return { value: undefined, done: true };
      },
    };
  }

  private async sendRaw(message: Buffer): Promise<void> {
    if (this.settled) throw this.settledError();
    if (this.socket.readyState !== this.socket.OPEN) throw new ExecStreamError('exec stream is not open');
    if (this.socket.bufferedAmount > STDIN_HIGH_WATER_BYTES) await this.lastSend;
    if (this.settled) throw this.settledError();
    this.lastSend = new Promise<void>((resolve, reject) => {
      this.socket.send(message, { binary: true }, (error) => {
        if (error) reject(new ExecStreamError(`exec stream write failed: ${error.message}`, { cause: error }));
        else resolve();
      });
    });
    this.lastSend.catch(() => undefined);
  }

  private settledError(): ExecStreamError {
    return this.connectionError ?? new ExecStreamError('exec stream has ended; stdin is closed');
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.settled) return;
    const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const frame = decodeFrame(raw, isBinary);
    // An empty frame is the server's readiness signal.
    if (!frame || frame.payload.length === 0) return;
    switch (frame.channel) {
      case Channel.stdout: {
        if (this.scanner) {
          const { output } = this.scanner.push(frame.payload);
          if (output.length > 0) this.emit('stdout', output);
        } else {
          this.emit('stdout', frame.payload);
        }
        return;
      }
      case Channel.stderr:
        this.emit('stderr', frame.payload);
        return;
      case Channel.status: {
        const status = parseStatus(frame.payload);
        if (status.kind === 'exit') this.statusExitCode = status.exitCode;
        else this.serverMessage = (this.serverMessage ? `${this.serverMessage}\n` : '') + status.message;
        return;
      }
      default:
        // Unknown channels (a newer server) carry nothing we can use.
        return;
    }
  }

  private emit(type: StreamName, bytes: Uint8Array): void {
    const state = this.output[type];
    state.totalBytes += bytes.length;
    const limit = this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    if (state.keptBytes < limit) {
      const take = Math.min(limit - state.keptBytes, bytes.length);
      // Copy: the frame's memory belongs to the socket.
      state.kept.push(Buffer.from(bytes.subarray(0, take)));
      state.keptBytes += take;
      if (take < bytes.length) state.truncated = true;
    } else if (bytes.length > 0) {
      state.truncated = true;
    }
    const textListener = type === 'stdout' ? this.options.onStdout : this.options.onStderr;
    const bytesListener = type === 'stdout' ? this.options.onStdoutBytes : this.options.onStderrBytes;
    const iteratorText = this.iteratorQueue !== undefined && this.options.decodeText !== false;
    const text = textListener !== undefined || iteratorText ? state.decoder.decode(bytes, { stream: true }) : '';
    bytesListener?.(bytes);
    if (textListener && text.length > 0) textListener(text);
    if (this.iteratorQueue) {
      this.iteratorQueue.push({ type, bytes: Buffer.from(bytes), text: iteratorText ? text : '' });
      this.iteratorQueuedBytes += bytes.length;
      if (!this.paused && this.iteratorQueuedBytes > ITERATOR_HIGH_WATER_BYTES) {
        this.paused = true;
        this.socket.pause();
      }
      this.wake();
    }
  }

  private flushDecoders(): void {
    for (const type of ['stdout', 'stderr'] as const) {
      const state = this.output[type];
      const textListener = type === 'stdout' ? this.options.onStdout : this.options.onStderr;
      const iteratorText = this.iteratorQueue !== undefined && this.options.decodeText !== false;
      if (textListener || iteratorText) {
        const tail = state.decoder.decode();
        if (tail.length > 0) {
          textListener?.(tail);
          if (iteratorText) this.iteratorQueue?.push({ type, bytes: new Uint8Array(0), text: tail });
        }
      }
    }
  }

  private wake(): void {
    const wake = this.iteratorWake;
    this.iteratorWake = undefined;
    wake?.();
  }

  private received(): { stdout: string; stderr: string } {
    return {
      stdout: Buffer.concat(this.output.stdout.kept).toString('utf8'),
      stderr: Buffer.concat(this.output.stderr.kept).toString('utf8'),
    };
  }

  private onClose(code: number): void {
    if (this.settled) return;
    let markerExitCode: number | undefined;
    if (this.scanner) {
      const { output, exitCode } = this.scanner.finish();
      if (output.length > 0) this.emit('stdout', output);
      markerExitCode = exitCode;
    }
    this.flushDecoders();
    let exitCode: number | null | undefined = this.statusExitCode ?? markerExitCode;
    const plainProtocol = this.socket.protocol === '';
    if (exitCode === undefined && this.serverMessage !== undefined && !this.scanner && plainProtocol) {
      // Without a subprotocol, Kubernetes reports a non-zero exit only as this text.
      const match = /non-zero exit code\D*?(\d+)\s*$/.exec(this.serverMessage);
      if (match) exitCode = Number(match[1]);
    }
    if (exitCode === undefined && this.serverMessage !== undefined) {
      this.settle(new ExecServerError(this.serverMessage, this.received()));
      return;
    }
    if (exitCode === undefined && !this.scanner && plainProtocol && code === 1000 && !this.connectionError) {
      // No marker and no subprotocol: a zero exit sends nothing, so a clean close is all we get.
      exitCode = null;
    }
    if (exitCode === undefined) {
      const received = this.received();
      this.settle(
        new StreamTruncatedError(
          `exec stream closed (code ${code}) before the command's exit status arrived; output is incomplete`,
          { ...received, closeCode: code },
          { cause: this.connectionError },
        ),
      );
      return;
    }
    const stdoutBytes = Buffer.concat(this.output.stdout.kept);
    const stderrBytes = Buffer.concat(this.output.stderr.kept);
    this.settle({
      exitCode,
      stdout: stdoutBytes.toString('utf8'),
      stderr: stderrBytes.toString('utf8'),
      stdoutBytes,
      stderrBytes,
      truncated: this.output.stdout.truncated || this.output.stderr.truncated,
      durationMs: Date.now() - this.startedAt,
    });
  }

  /** Ends the stream with an error, closing the socket (terminating it unless `polite`). */
  private fail(error: ExecStreamError, terminate = true): void {
    if (this.settled) return;
    if (error instanceof ExecTimeoutError || error instanceof ExecAbortError) {
      // Bytes held back as a possible marker were output after all.
      const held = this.scanner?.finish().output;
      if (held && held.length > 0) this.emit('stdout', held);
      this.flushDecoders();
      // Whatever arrived is still useful (what a command printed before it hung).
      Object.assign(error, this.received());
    }
    this.settle(error);
    if (terminate) this.socket.terminate();
    else this.socket.close(1000);
  }

  private settle(outcome: ExecResult | ExecStreamError): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.removeAbortListener();
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (outcome instanceof ExecStreamError) {
      this.rejectEnded(outcome);
    } else {
      this.resolveEnded(outcome);
    }
    this.wake();
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(1000);
  }
}
