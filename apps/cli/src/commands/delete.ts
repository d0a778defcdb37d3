import type { Command } from 'commander';
import { createClient } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { toErrorReport } from '../internal/error-report.js';
import { ExitCode } from '../internal/exit-codes.js';
import { redact } from '../internal/redact.js';
import { examples } from '../program.js';

export interface DeleteOutcome {
  deleted: string[];
  failed: Array<{ sandboxId: string; message: string; code?: string; requestId?: string }>;
}

/** Deletes each sandbox, a few at a time; one failure does not stop the others. */
export async function deleteSandboxes(sandboxIds: readonly string[], force: boolean): Promise<DeleteOutcome> {
  const client = createClient();
  const outcome: DeleteOutcome = { deleted: [], failed: [] };
  const queue = [...sandboxIds];
  const CONCURRENCY = 4;
  const worker = async (): Promise<void> => {
    for (let sandboxId = queue.shift(); sandboxId !== undefined; sandboxId = queue.shift()) {
      const result = await client.delete(sandboxId, { force });
      if (result.success) {
        outcome.deleted.push(sandboxId);
      } else {
        const report = toErrorReport(result.error ?? new Error(result.errorMessage));
        outcome.failed.push({
          sandboxId,
          message: redact(result.errorMessage || report.message),
          ...(report.code ? { code: report.code } : {}),
          ...(result.requestId || report.requestId ? { requestId: result.requestId || report.requestId } : {}),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sandboxIds.length) }, worker));
  return outcome;
}

export function registerDeleteCommand(program: Command): void {
  const command = program
    .command('delete')
    .alias('rm')
    .description('delete one or more sandboxes')
    .argument('<sandbox-ids...>', 'sandbox ids')
    .option('-f, --force', 'delete even when ECI would refuse (e.g. while it is still starting)')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox delete eci-2ze0123456789abcdef',
        'eci-sandbox list --tag owner=ci --json | jq -r ".sandboxes[].sandboxId" | xargs eci-sandbox delete --force',
      ]),
    );
  defineAction<{ force?: boolean }, [string[]]>(command, async (context, options, sandboxIds) => {
    const outcome = await context.withSpinner(
      `deleting ${sandboxIds.length} sandbox${sandboxIds.length === 1 ? '' : 'es'}…`,
      () => deleteSandboxes(sandboxIds, options.force === true),
    );
    if (context.json) {
      context.printJson(outcome);
    } else {
      for (const sandboxId of outcome.deleted) context.print(`${context.style.green('deleted')} ${sandboxId}`);
      for (const failure of outcome.failed) {
        const suffix = [failure.code ? `[${failure.code}]` : '', failure.requestId ? `(request id ${failure.requestId})` : '']
          .filter(Boolean)
          .join(' ');
        context.stderr.write(
          `${context.errorStyle.red(`error: ${failure.sandboxId}: ${failure.message}${suffix ? ` ${suffix}` : ''}`)}\n`,
        );
      }
    }
    return outcome.failed.length > 0 ? ExitCode.ERROR : ExitCode.OK;
  });
}
