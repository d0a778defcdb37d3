import { redactExecUrl } from './internal/redact.js';

/** Root of every error this package throws. `retryable` says whether trying again may succeed. */
export class ExecStreamError extends Error {
  override name = 'ExecStreamError';
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    // Exec URLs carry their token in `?s=`; no message may show it.
    super(redactExecUrl(message), options);
  }
}

/** What a stream had delivered before it ended. */
export interface ReceivedOutput {
  stdout: string;
  stderr: string;
}

/** The stream ended before the command's exit status arrived: the output is incomplete. */
export class StreamTruncatedError extends ExecStreamError {
  override name = 'StreamTruncatedError';
  override readonly retryable = true;
  readonly stdout: string;
  readonly stderr: string;
  /** The WebSocket close code, when the socket closed (1006 when it was cut). */
  readonly closeCode: number | undefined;

  constructor(message: string, received: ReceivedOutput & { closeCode?: number }, options?: { cause?: unknown }) {
    super(message, options);
    this.stdout = received.stdout;
    this.stderr = received.stderr;
    this.closeCode = received.closeCode;
  }
}

/** The client-side deadline (`timeoutMs`) passed; the socket was closed. */
export class ExecTimeoutError extends ExecStreamError {
  override name = 'ExecTimeoutError';
  override readonly retryable = true;
  readonly timeoutMs: number;
  /** Output received before the deadline (set by the stream that timed out; empty otherwise). */
  stdout = '';
  stderr = '';

  constructor(timeoutMs: number, what = 'exec stream') {
    super(`${what} timed out after ${timeoutMs} ms; raise timeoutMs if the command needs longer`);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted (AbortSignal, `kill()` or `close()`); the socket was closed. Never retryable. */
export class ExecAbortError extends ExecStreamError {
  override name = 'ExecAbortError';
  /** Output received before the abort (set by the stream that was aborted; empty otherwise). */
  stdout = '';
  stderr = '';

  constructor(message = 'exec stream was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad input; nothing was sent. `field` names the option or argument to fix. */
export class ExecValidationError extends ExecStreamError {
  override name = 'ExecValidationError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** The WebSocket could not be opened (refused, handshake rejected, URL already used). */
export class ExecConnectionError extends ExecStreamError {
  override name = 'ExecConnectionError';
  override readonly retryable = true;
  /** HTTP status of a rejected handshake, when there was one. */
  readonly httpStatus: number | undefined;

  constructor(message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(message, options);
    this.httpStatus = options?.httpStatus;
  }
}

/** The server sent an error message (plain text on channel 3) instead of an exit status. */
export class ExecServerError extends ExecStreamError {
  override name = 'ExecServerError';
  readonly serverMessage: string;
  readonly stdout: string;
  readonly stderr: string;

  constructor(serverMessage: string, received: ReceivedOutput) {
    super(`exec server reported an error: ${serverMessage}`);
    this.serverMessage = redactExecUrl(serverMessage);
    this.stdout = received.stdout;
    this.stderr = received.stderr;
  }
}

/** A file's size or sha256 measured in the sandbox differs from what was sent or received. */
export class FileVerificationError extends ExecStreamError {
  override name = 'FileVerificationError';
  override readonly retryable = true;
  readonly path: string;
  readonly expected: { bytes: number; sha256: string } | undefined;
  readonly actual: { bytes: number; sha256: string } | undefined;

  constructor(
    path: string,
    message: string,
    details: { expected?: { bytes: number; sha256: string }; actual?: { bytes: number; sha256: string } } = {},
  ) {
    super(`${path}: ${message}`);
    this.path = path;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/**
 * A write's stream failed after all the data had been sent, and the check that settles the outcome
 * (one more exec call) failed too: the file may hold the new content or the previous one.
 * `cause` is the stream's error, `settleError` why the check failed. Writing the same data again
 * makes the outcome known.
 */
export class WriteOutcomeUnknownError extends ExecStreamError {
  override name = 'WriteOutcomeUnknownError';
  override readonly retryable = true;
  readonly outcome = 'unknown' as const;
  readonly path: string;
  readonly settleError: unknown;

  constructor(path: string, streamError: unknown, settleError: unknown) {
    const streamMessage = streamError instanceof Error ? streamError.message : String(streamError);
    const settleMessage = settleError instanceof Error ? settleError.message : String(settleError);
    super(
      `${path}: the write's stream failed after all the data was sent (${streamMessage}), and checking the sandbox afterwards failed ` +
        `(${settleMessage}): the outcome is unknown, the file holds either the new or the previous content`,
      { cause: streamError },
    );
    this.path = path;
    this.settleError = settleError;
  }
}
