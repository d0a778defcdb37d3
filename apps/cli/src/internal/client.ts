import { EciSandbox } from '@eci-sandbox/sdk';
import type { OperationResult } from '@eci-sandbox/sdk';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { redact } from './redact.js';

/**
 * The SDK client for a command. Configuration comes from the environment and a `.env` file,
 * read by the SDK itself (`ECI_SANDBOX_ENDPOINT`, `ECI_SANDBOX_ACCESS_KEY_ID`, …).
 */
export function createClient(): EciSandbox {
  return new EciSandbox({});
}

/**
 * Returns `result` when the call worked; otherwise throws a `CliError` carrying the service code
 * and request id, so the error printer can show them. Timeouts exit with 124.
 */
export function unwrap<Result extends OperationResult>(result: Result, what?: string): Result {
  if (result.success) return result;
  const error = result.error;
  const code = readCode(error);
  const requestId = result.requestId || readField(error, 'requestId');
  const isTimeout = error !== undefined && /Timeout/.test(error.name);
  // A value the SDK refused (EciValidationError and the lower layers' kin): nothing was sent.
  const isInvalid = error !== undefined && /ValidationError$/.test(error.name);
  const message = redact(result.errorMessage || error?.message || 'the call failed');
  throw new CliError(what ? `${what}: ${message}` : message, {
    exitCode: isTimeout ? ExitCode.TIMEOUT : isInvalid ? ExitCode.USAGE : ExitCode.ERROR,
    ...(code ? { code } : {}),
    ...(requestId ? { requestId } : {}),
    cause: error,
  });
}

function readField(source: unknown, key: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readCode(error: Error | undefined): string | undefined {
  return readField(error, 'code');
}
