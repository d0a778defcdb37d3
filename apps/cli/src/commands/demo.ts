import type { Command } from 'commander';
import { UsageError } from '../internal/cli-error.js';
import { defineAction } from '../internal/define-command.js';
import { formatDemoSummary, runDemo } from '../internal/demo-runner.js';
import { examples } from '../program.js';

export function registerDemoCommand(program: Command): void {
  const command = program
    .command('demo')
    .description('a guided tour against an in-process emulator: create, commands, files, a tmux job, API calls spent, cleanup')
    .option('--runtime <runtime>', 'emulator runtime: auto (runc as root when available, else process) | runc | process', 'auto')
    .addHelpText('after', examples(['npx eci-sandbox demo', 'eci-sandbox demo --runtime process --json']));
  defineAction<{ runtime: string }, []>(command, async (context, options) => {
    if (!['auto', 'runc', 'process'].includes(options.runtime)) {
      throw new UsageError(`--runtime must be auto, runc or process, got "${options.runtime}"`);
    }
    const summary = await runDemo(context, { runtime: options.runtime as 'auto' | 'runc' | 'process' });
    if (context.json) context.printJson(summary);
    else context.print(formatDemoSummary(summary, context));
  });
}
