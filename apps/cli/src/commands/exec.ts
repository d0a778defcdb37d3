import type { Command } from 'commander';
import { createClient } from '../internal/client.js';
import { finishCommand, streamCallbacks } from '../internal/command-output.js';
import { defineAction } from '../internal/define-command.js';
import { withInterrupt } from '../internal/interrupt.js';
import { collect, collectKeyValues, parseDurationMs } from '../internal/parse-options.js';
import { examples } from '../program.js';

interface ExecCommandOptions {
  cwd?: string;
  env?: string[];
  timeout?: string;
}

export function registerExecCommand(program: Command): void {
  const command = program
    .command('exec')
    .description("run a program (argv, no shell) in a sandbox; exits with the program's exit code")
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<argv...>', 'program and arguments, after --')
    .option('--cwd <dir>', 'working directory in the sandbox')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('--timeout <duration>', 'kill the program after this long, e.g. 30s (exit code 124)')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox exec eci-2ze0123456789abcdef -- ls -la /',
        'eci-sandbox exec eci-2ze0123456789abcdef --cwd /tmp -- python3 -c "print(1)"',
      ]),
    );
  defineAction<ExecCommandOptions, [string, string[]]>(command, async (context, options, sandboxId, argv) => {
    const timeoutMs = options.timeout ? parseDurationMs(options.timeout, '--timeout') : undefined;
    const env = options.env ? collectKeyValues(options.env, '--env') : undefined;
    const client = createClient();
    const { value: result, interrupted } = await withInterrupt((signal) =>
      client.execCommand(sandboxId, argv, {
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
