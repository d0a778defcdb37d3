import type { CommandResult } from '@eci-sandbox/sdk';
import type { CommandContext } from './context.js';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';
import { unwrap } from './client.js';

/** Streaming callbacks that copy the remote stdout and stderr to ours as they arrive (not in JSON mode). */
export function streamCallbacks(context: CommandContext): {
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
} {
  if (context.json) return {};
  return {
    onStdout: (chunk) => context.stdout.write(chunk),
    onStderr: (chunk) => context.stderr.write(chunk),
  };
}

/**
 * Ends `bash`/`exec`: prints the JSON result (the output was streamed already otherwise) and
 * returns the remote command's exit code as the CLI's.
 */
export function finishCommand(context: CommandContext, result: CommandResult, interrupted: boolean): number {
  if (interrupted) {
    if (context.json) context.printJson({ error: { message: 'interrupted' }, exitCode: ExitCode.INTERRUPTED });
    return ExitCode.INTERRUPTED;
  }
  unwrap(result);
  if (result.exitCode === null) throw new CliError('the command ended without an exit code', { requestId: result.requestId });
  if (context.json) {
    context.printJson({
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      truncated: result.truncated,
      durationMs: result.durationMs,
      requestId: result.requestId,
    });
  } else if (result.truncated) {
    context.note(context.errorStyle.yellow('warning: the output was truncated'));
  }
  return result.exitCode;
}
