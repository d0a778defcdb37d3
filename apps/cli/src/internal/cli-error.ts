import { ExitCode } from './exit-codes.js';

/**
 * An error the CLI reports as one line and maps to an exit code. Errors from the SDK are wrapped
 * into it at the command boundary so that `code` and `requestId` survive.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly exitCode: number;
  /** Service or CLI error code, e.g. `InvalidParameter`, `SandboxNotFound`. */
  readonly code: string | undefined;
  /** The API request id, when the error came from a call. */
  readonly requestId: string | undefined;

  constructor(message: string, options: { exitCode?: number; code?: string; requestId?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? ExitCode.ERROR;
    this.code = options.code;
    this.requestId = options.requestId;
  }
}

/** Bad input on the command line: exit code 2, and nothing was sent. */
export class UsageError extends CliError {
  override readonly name: string = 'UsageError';
  constructor(message: string) {
    super(message, { exitCode: ExitCode.USAGE, code: 'UsageError' });
  }
}
