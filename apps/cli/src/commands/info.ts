import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { formatSandboxDetails, toSandboxJson } from '../internal/sandbox-view.js';
import { CliError } from '../internal/cli-error.js';
import { examples } from '../program.js';

export function registerInfoCommand(program: Command): void {
  const command = program
    .command('info')
    .description('show one sandbox')
    .argument('<sandbox-id>', 'sandbox (container group) id')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox info eci-2ze0123456789abcdef',
        'eci-sandbox info eci-2ze0123456789abcdef --json | jq -r .sandbox.status',
      ]),
    );
  defineAction<Record<string, never>, [string]>(command, async (context, _options, sandboxId) => {
    const result = unwrap(await context.withSpinner('fetching sandbox…', () => createClient().get(sandboxId)));
    if (!result.info)
      throw new CliError(`sandbox ${sandboxId} not found`, { code: 'SandboxNotFound', requestId: result.requestId });
    if (context.json) {
      context.printJson({ sandbox: toSandboxJson(result.info), requestId: result.requestId });
      return;
    }
    context.print(formatSandboxDetails(result.info, context.style));
  });
}
