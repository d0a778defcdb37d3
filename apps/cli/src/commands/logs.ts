import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { UsageError } from '../internal/cli-error.js';
import { parseDurationMs, parsePositiveInteger } from '../internal/parse-options.js';
import { examples } from '../program.js';

interface LogsCommandOptions {
  tail?: string;
  limitBytes?: string;
  since?: string;
  timestamps?: boolean;
}

export function registerLogsCommand(program: Command): void {
  const command = program
    .command('logs')
    .description("print a sandbox's container log: what its main process wrote (not the output of bash/exec)")
    .argument('<sandbox-id>', 'sandbox (container group) id')
    .option('--tail <lines>', "only the last N lines, 1-2000 (default: ECI's, 500)")
    .option('--limit-bytes <bytes>', 'at most this many bytes, the newest (1-1048576)')
    .option('--since <duration>', 'only lines from the last duration, e.g. 10m, 1h (plain number = seconds)')
    .option('--timestamps', 'prefix each line with its timestamp')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox logs eci-2ze0123456789abcdef --tail 50',
        'eci-sandbox logs eci-2ze0123456789abcdef --since 10m --timestamps',
        'eci-sandbox logs eci-2ze0123456789abcdef --json | jq -r .content',
      ]),
    );
  defineAction<LogsCommandOptions, [string]>(command, async (context, options, sandboxId) => {
    const request = {
      ...(options.tail === undefined ? {} : { tail: atMost(parsePositiveInteger(options.tail, '--tail'), 2000, '--tail') }),
      ...(options.limitBytes === undefined
        ? {}
        : { limitBytes: atMost(parsePositiveInteger(options.limitBytes, '--limit-bytes'), 1_048_576, '--limit-bytes') }),
      // ECI counts whole seconds; a shorter duration still asks for one.
      ...(options.since === undefined
        ? {}
        : { sinceSeconds: Math.max(1, Math.ceil(parseDurationMs(options.since, '--since') / 1000)) }),
      ...(options.timestamps ? { timestamps: true } : {}),
    };
    const result = unwrap(await context.withSpinner('fetching log…', () => createClient().logs(sandboxId, request)), 'logs');
    if (context.json) {
      context.printJson({ sandboxId, containerName: result.containerName, content: result.content, requestId: result.requestId });
      return;
    }
    // The log as the container wrote it, byte for byte (like `kubectl logs`).
    await new Promise<void>((resolve, reject) =>
      context.stdout.write(result.content, (error) => (error ? reject(error) : resolve())),
    );
  });
}

/** ECI's upper limits, checked here so a bad value is a usage error (exit 2) and nothing is sent. */
function atMost(value: number, limit: number, flag: string): number {
  if (value > limit) throw new UsageError(`${flag} must be at most ${limit} (ECI's limit), got ${value}`);
  return value;
}
