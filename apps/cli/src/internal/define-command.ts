import type { Command } from 'commander';
import { createContext, type CommandContext, type GlobalOptions } from './context.js';
import { toErrorReport, formatErrorLine, formatErrorStack } from './error-report.js';
import { ExitCode } from './exit-codes.js';

/** Where the exit code of the command that ran is left for `main()` to use. */
export const runState: { exitCode: number } = { exitCode: ExitCode.OK };

/**
 * Attaches `handler` as the action of `command`. The handler gets a context (streams, colour,
 * JSON mode), the positional arguments and the command's options; it returns the exit code
 * (0 when it returns nothing). Anything it throws is printed as one line (or as JSON with
 * `--json`), with the stack under `--debug`, and mapped to an exit code.
 */
export function defineAction<Options, Args extends unknown[]>(
  command: Command,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing means exit code 0.
  handler: (context: CommandContext, options: Options, ...args: Args) => Promise<number | void>,
): Command {
  return command.action(async (...received: unknown[]) => {
    // Commander passes the positional arguments, then the options, then the command itself.
    const self = received[received.length - 1] as Command;
    const options = self.opts() as Options;
    const globals = self.optsWithGlobals() as GlobalOptions;
    const args = received.slice(0, -2) as Args;
    const context = createContext(globals);
    try {
      const code = await handler(context, options, ...args);
      runState.exitCode = code ?? ExitCode.OK;
    } catch (error) {
      runState.exitCode = reportError(context, error);
    }
  });
}

/** Prints an error for a person (one line, stack with `--debug`) or a script (`--json`). */
export function reportError(context: CommandContext, error: unknown): number {
  const report = toErrorReport(error);
  if (context.json) {
    const { exitCode, ...fields } = report;
    context.stdout.write(`${JSON.stringify({ error: fields, exitCode })}\n`);
  } else {
    context.stderr.write(`${context.errorStyle.red(formatErrorLine(report))}\n`);
  }
  if (context.debug) context.stderr.write(`${formatErrorStack(error)}\n`);
  return report.exitCode;
}
