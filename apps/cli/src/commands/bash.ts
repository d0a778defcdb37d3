import type { Command } from 'commander';
import { createClient } from '../internal/client.js';
import { finishCommand, streamCallbacks } from '../internal/command-output.js';
import { defineAction } from '../internal/define-command.js';
import { withInterrupt } from '../internal/interrupt.js';
import { collect, collectKeyValues, parseDurationMs } from '../internal/parse-options.js';
import { examples } from '../program.js';

interface BashCommandOptions {
  cwd?: string;
  env?: string[];
  timeout?: string;
}

export function registerBashCommand(program: Command): void {
  const command = program
    .command('bash')
    .description(
      "run shell code with bash in a sandbox; stdout and stderr stream to ours, and the CLI exits with the command's exit code",
    )
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<command...>', 'shell code (quote it; several words are joined with spaces)')
    .option('--cwd <dir>', 'working directory in the sandbox')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('--timeout <duration>', 'kill the command after this long, e.g. 30s (exit code 124)')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox bash eci-2ze0123456789abcdef "uname -a && ls /"',
        'eci-sandbox bash eci-2ze0123456789abcdef --cwd /srv "make test" || echo "tests failed with $?"',
        'eci-sandbox bash eci-2ze0123456789abcdef "cat /etc/os-release" --json | jq -r .stdout',
      ]),
    );
  defineAction<BashCommandOptions, [string, string[]]>(command, async (context, options, sandboxId, words) => {
    const timeoutMs = options.timeout ? parseDurationMs(options.timeout, '--timeout') : undefined;
    const env = options.env ? collectKeyValues(options.env, '--env') : undefined;
    const client = createClient();
    const { value: result, interrupted } = await withInterrupt((signal) =>
      client.bash(sandboxId, words.join(' '), {
        ...(timeoutMs ? { timeoutMs } : {}),
        ...(options.cwd ? { execDir: options.cwd } : {}),
        ...(env ? { env } : {}),
        ...streamCallbacks(context),
        signal,
      }),
    );
    return finishCommand(context, result, interrupted);
  });
}
