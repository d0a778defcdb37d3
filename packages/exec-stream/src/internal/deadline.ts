import { ExecAbortError, ExecTimeoutError } from '../errors.js';

/**
 * One deadline and abort signal shared by every step of an operation (launching the exec, opening
 * the stream, transferring): `signal` fires on either, and `error()` says which it was.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly expiresAt: number | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onUserAbort: () => void;

  constructor(
    readonly timeoutMs: number | undefined,
    userSignal: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    this.userSignal = userSignal;
    this.onUserAbort = () => this.controller.abort(userSignal?.reason);
    if (userSignal?.aborted) this.controller.abort(userSignal.reason);
    else userSignal?.addEventListener('abort', this.onUserAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.expiresAt = Date.now() + timeoutMs;
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new ExecTimeoutError(timeoutMs));
      }, timeoutMs);
    }
  }

  /** Milliseconds left (undefined without a deadline, at least 1 otherwise). */
  remainingMs(): number | undefined {
    return this.expiresAt === undefined ? undefined : Math.max(1, this.expiresAt - Date.now());
  }

  /** The typed error for the current abort, if any. */
  error(what?: string): ExecTimeoutError | ExecAbortError | undefined {
    if (!this.signal.aborted) return undefined;
    if (this.timedOut) return new ExecTimeoutError(this.timeoutMs as number, what);
    return new ExecAbortError(`${what ?? 'operation'} was aborted`, { cause: this.userSignal?.reason });
  }

  throwIfAborted(what?: string): void {
    const error = this.error(what);
    if (error) throw error;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
  }
}
