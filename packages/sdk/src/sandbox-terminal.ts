import type { ExecProcess, StreamOptions } from '@eci-sandbox/exec-stream';
import { openExec } from '@eci-sandbox/exec-stream';
import { failureOf } from './internal/to-result.js';
import type { OperationResult, TerminalExitResult } from './results.js';

/** Bytes kept for the first consumer when output arrives before any `onData` listener or iterator. */
const EARLY_OUTPUT_LIMIT_BYTES = 1024 * 1024;

/** What the client hands a terminal: the stream's URL (secret) and how to open it. */
export interface TerminalConnection {
  url: string;
  requestId: string;
  stream: StreamOptions;
  signal?: AbortSignal;
  onData?: (bytes: Uint8Array) => void;
}

/**
 * A program running under a pseudo-terminal in a sandbox (one ExecContainerCommand with
 * `TTY=true`). Output arrives as raw bytes (stdout and stderr are one stream under a terminal):
 * subscribe with `onData(listener)` or iterate with `for await (const bytes of terminal)`. Output
 * that arrives before any consumer is attached is kept (up to 1 MiB) for the first one.
 *
 * No method throws: `write` and `resize` resolve to results, `wait()` to the exit result.
 * Get one from `sandbox.openTerminal({ cols, rows })`.
 */
export class SandboxTerminal implements AsyncIterable<Uint8Array> {
  /** The ECI request id of the ExecContainerCommand that started the terminal. */
  readonly requestId: string;
  readonly #process: ExecProcess;
  readonly #listeners = new Set<(bytes: Uint8Array) => void>();
  readonly #exit: Promise<TerminalExitResult>;
  #early: Uint8Array[] | undefined = [];
  #earlyBytes = 0;
  #iteratorQueue: Uint8Array[] | undefined;
  #iteratorWake: (() => void) | undefined;
  #ended = false;

  /** @internal Use `sandbox.openTerminal()`. */
  constructor(connection: TerminalConnection) {
    this.requestId = connection.requestId;
    if (connection.onData) this.#listeners.add(connection.onData);
    if (this.#listeners.size > 0) this.#early = undefined;
    const deliver = (bytes: Uint8Array): void => this.#deliver(bytes);
    this.#process = openExec(connection.url, {
      ...connection.stream,
      tty: true,
      onStdoutBytes: deliver,
      onStderrBytes: deliver,
      ...(connection.signal ? { signal: connection.signal } : {}),
    });
    this.#exit = this.#process.wait().then(
      (result): TerminalExitResult => ({ success: true, requestId: this.requestId, errorMessage: '', exitCode: result.exitCode }),
      (error: unknown): TerminalExitResult => ({ ...failureOf(error), requestId: this.requestId, exitCode: null }),
    );
    void this.#exit.then(() => {
      this.#ended = true;
      this.#wake();
    });
  }

  /** @internal Resolves once the stream is open; rejects when it could not be opened. */
  ready(): Promise<void> {
    return this.#process.ready();
  }

  /** Sends keystrokes (or any bytes; strings as UTF-8) to the program's terminal. */
  async write(data: string | Uint8Array): Promise<OperationResult> {
    return this.#attempt(() => this.#process.write(data));
  }

  /** Tells the program its terminal size, in columns and rows (1-65535). */
  async resize(cols: number, rows: number): Promise<OperationResult> {
    return this.#attempt(() => this.#process.resize(cols, rows));
  }

  /** Drops the stream at once; ECI ends the program. `wait()` then reports `success: false` (killed). */
  kill(): void {
    this.#process.kill();
  }

  /** Closes the stream politely. A program still running ends with it and `wait()` reports `success: false`. */
  close(): void {
    this.#process.close();
  }

  /**
   * Calls `listener` with each piece of output. Returns a function that removes it. The first
   * consumer also receives the output that arrived before it was attached.
   */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    this.#flushEarly();
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * The program's end: `exitCode` when the server reported one. Without an exec subprotocol
   * (`execProtocol: 'none'`, the default) ECI reports only non-zero exits, so a program that
   * exits 0 ends with `exitCode: null`. `success` is false when the stream broke, was killed, or
   * could not be opened.
   */
  wait(): Promise<TerminalExitResult> {
    return this.#exit;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#iteratorQueue ??= [];
    const queue = this.#iteratorQueue;
    this.#flushEarly();
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        for (;;) {
          const bytes = queue.shift();
          if (bytes !== undefined) return { value: bytes, done: false };
          if (this.#ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            this.#iteratorWake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        this.#iteratorQueue = undefined;
        return { value: undefined, done: true };
      },
    };
  }

  async #attempt(action: () => Promise<void>): Promise<OperationResult> {
    try {
      await action();
      return { success: true, requestId: this.requestId, errorMessage: '' };
    } catch (error) {
      return { ...failureOf(error), requestId: this.requestId };
    }
  }

  #deliver(bytes: Uint8Array): void {
    if (this.#early !== undefined) {
      if (this.#earlyBytes + bytes.length <= EARLY_OUTPUT_LIMIT_BYTES) {
        // Copy: the frame's memory belongs to the socket.
        this.#early.push(Buffer.from(bytes));
        this.#earlyBytes += bytes.length;
      }
      return;
    }
    for (const listener of this.#listeners) listener(bytes);
    if (this.#iteratorQueue !== undefined) {
      this.#iteratorQueue.push(Buffer.from(bytes));
      this.#wake();
    }
  }

  #flushEarly(): void {
    const early = this.#early;
    if (early === undefined) return;
    this.#early = undefined;
    for (const bytes of early) this.#deliver(bytes);
  }

  #wake(): void {
    const wake = this.#iteratorWake;
    this.#iteratorWake = undefined;
    wake?.();
  }
}
