import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { examples } from '../program.js';

export function registerRestartCommand(program: Command): void {
  const command = program
    .command('restart')
    .description('restart a sandbox (its processes stop; its files stay)')
    .argument('<sandbox-id>', 'sandbox id')
    .addHelpText('after', examples(['eci-sandbox restart eci-2ze0123456789abcdef']));
  defineAction<Record<string, never>, [string]>(command, async (context, _options, sandboxId) => {
    const result = unwrap(await context.withSpinner('restarting…', () => createClient().restart(sandboxId)), 'restart failed');
    if (context.json) {
      context.printJson({ sandboxId, restarted: true, requestId: result.requestId });
      return;
    }
    context.print(`${context.style.green('restarted')} ${sandboxId}`);
  });
}
