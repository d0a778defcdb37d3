import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { ExitCode } from '../internal/exit-codes.js';
import { enterRawTerminal } from '../internal/local-terminal.js';
import { examples } from '../program.js';

interface ShellCommandOptions {
  command?: string;
}

/** Starts bash when the image has it, else sh; TERM follows the local terminal. */
function shellArgv(command: string | undefined): string[] {
  const term = /^[A-Za-z0-9._-]+$/.test(process.env.TERM ?? '') ? process.env.TERM : 'xterm-256color';
  const start = command ?? 'if command -v bash >/dev/null 2>&1; then exec bash -i; else exec sh -i; fi';
  return ['/bin/sh', '-c', `TERM=${term}; export TERM; ${start}`];
}

export function registerShellCommand(program: Command): void {
  const command = program
    .command('shell')
    .description('an interactive terminal in a sandbox (Ctrl-C goes to the remote program; exit or Ctrl-D to leave)')
    .argument('<sandbox-id>', 'sandbox id')
    .option('-c, --command <shell-code>', 'run this instead of an interactive shell (still under a terminal)')
    .addHelpText(
      'after',
      examples(['eci-sandbox shell eci-2ze0123456789abcdef', 'eci-sandbox shell eci-2ze0123456789abcdef -c htop']),
    );
  defineAction<ShellCommandOptions, [string]>(command, async (context, options, sandboxId) => {
    const client = createClient();
    const local = enterRawTerminal();
    try {
      const initial = local.size();
      const opened = unwrap(
        await client.openTerminal(sandboxId, {
          argv: shellArgv(options.command),
          cols: initial.cols,
          rows: initial.rows,
          onData: (bytes) => context.stdout.write(bytes),
        }),
        'shell',
      );
      const remote = opened.terminal!;
      local.onInput((bytes) => {
        void remote.write(bytes);
      });
      local.onResize((size) => {
        void remote.resize(size.cols, size.rows);
      });
      // A hang-up or kill of this CLI ends the remote shell too, and the finally below restores the terminal.
      const stop = (): void => remote.kill();
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
      try {
        const result = unwrap(await remote.wait(), 'shell');
        return result.exitCode ?? ExitCode.OK;
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGHUP', stop);
      }
    } finally {
      local.restore();
    }
  });
}
