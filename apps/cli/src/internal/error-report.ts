import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { redact } from './redact.js';

/** What an error looks like in `--json` output and what the one-line message is built from. */
export interface ErrorReport {
  message: string;
  code?: string;
  requestId?: string;
  exitCode: number;
}

function readString(source: unknown, key: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Turns anything thrown into a report: the message (secrets masked), the service code and
 * request id when the error carries them (SDK and core-api errors do), and the exit code.
 */
export function toErrorReport(error: unknown): ErrorReport {
  const message = redact(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
  let exitCode: number = ExitCode.ERROR;
  if (error instanceof CliError) exitCode = error.exitCode;
  else if (error instanceof Error && /Timeout/.test(error.name)) exitCode = ExitCode.TIMEOUT;
  const code = readString(error, 'code');
  const requestId = readString(error, 'requestId');
  return {
    message,
    ...(code ? { code } : {}),
    ...(requestId ? { requestId } : {}),
    exitCode,
  };
}

/** The one line printed for an error: `error: <message> [code] (request id …)`. */
export function formatErrorLine(report: ErrorReport): string {
  let line = `error: ${report.message}`;
  if (report.code && report.code !== 'UsageError' && !report.message.includes(report.code)) line += ` [${report.code}]`;
  if (report.requestId && !report.message.includes(report.requestId)) line += ` (request id ${report.requestId})`;
  return line;
}

/** The stack, with its causes, for `--debug`; secrets masked. */
export function formatErrorStack(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('caused by:');
  }
  return redact(parts.join('\n'));
}
