/** Root of every error this package throws. `retryable` says whether trying again may succeed. */
export class TmuxKitError extends Error {
  override name = 'TmuxKitError';
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad input; nothing was sent. `field` names the option or argument to fix. */
export class TmuxValidationError extends TmuxKitError {
  override name = 'TmuxValidationError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** tmux is not installed (or not on PATH) where the runner's shell runs. */
export class TmuxNotFoundError extends TmuxKitError {
  override name = 'TmuxNotFoundError';
  readonly tmuxCommand: string;

  constructor(tmuxCommand: string) {
    super(
      `tmux was not found in the sandbox (looked for "${tmuxCommand}"): install it ` +
        '(`apt-get install -y tmux`, `apk add tmux`, `dnf install -y tmux`), use an image that ' +
        'ships tmux, or pass tmuxCommand with its full path',
    );
    this.tmuxCommand = tmuxCommand;
  }
}

/** The session does not exist (or vanished before it could be confirmed). */
export class SessionNotFoundError extends TmuxKitError {
  override name = 'SessionNotFoundError';
  readonly sessionId: string;

  constructor(sessionId: string, message?: string) {
    super(message ?? `tmux session "${sessionId}" was not found`);
    this.sessionId = sessionId;
  }
}

/** `start()` was given the id of a session that is still running. */
export class SessionExistsError extends TmuxKitError {
  override name = 'SessionExistsError';
  readonly sessionId: string;

  constructor(sessionId: string) {
    super(`tmux session "${sessionId}" is already running: wait for it, kill it, or pick another sessionId`);
    this.sessionId = sessionId;
  }
}

/** The runner failed to carry a script (it threw). The original error is `cause`. */
export class TmuxTransportError extends TmuxKitError {
  override name = 'TmuxTransportError';
  override readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.retryable = options?.retryable ?? true;
  }
}

/** A runner call passed its `timeoutMs`; the local runner killed the process group. */
export class TmuxTimeoutError extends TmuxTransportError {
  override name = 'TmuxTimeoutError';
  readonly timeoutMs: number;
  /** What the script had printed before it was stopped. */
  readonly stdout: string;

  constructor(timeoutMs: number, stdout = '') {
    super(`shell call timed out after ${timeoutMs} ms; raise timeoutMs if it needs longer`);
    this.timeoutMs = timeoutMs;
    this.stdout = stdout;
  }
}

/** The caller aborted (AbortSignal). Never retryable. */
export class TmuxAbortError extends TmuxKitError {
  override name = 'TmuxAbortError';

  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A script ran but did not answer as expected (it exited early or printed no result). */
export class TmuxScriptError extends TmuxKitError {
  override name = 'TmuxScriptError';
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(message: string, details: { exitCode: number | null; stderr: string }) {
    const stderr = details.stderr.trim();
    super(stderr ? `${message} (exit code ${details.exitCode}; stderr: ${stderr.slice(0, 500)})` : message);
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
  }
}
