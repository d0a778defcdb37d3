import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { runState } from './internal/define-command.js';
import { ExitCode } from './internal/exit-codes.js';
import { formatErrorLine, toErrorReport } from './internal/error-report.js';

async function flush(stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>((resolve) => stream.write('', () => resolve()));
}

async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
    return runState.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with "errors" of their own; they are not failures.
      if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) return ExitCode.OK;
      // Commander has already printed its one-line message to stderr; scripts asking for JSON get it on stdout too.
      if (argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(`${JSON.stringify({ error: { message, code: 'UsageError' }, exitCode: ExitCode.USAGE })}\n`);
      }
      return ExitCode.USAGE;
    }
    process.stderr.write(`${formatErrorLine(toErrorReport(error))}\n`);
    return ExitCode.ERROR;
  }
}

const exitCode = await main(process.argv);
await flush(process.stdout);
await flush(process.stderr);
// Exit explicitly: open keep-alive sockets or timers in libraries must not keep the CLI alive.
process.exit(exitCode);
