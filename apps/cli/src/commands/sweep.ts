import type { Command } from 'commander';
import type { SandboxInfo } from '@eci-sandbox/sdk';
import { defineAction } from '../internal/define-command.js';
import { ExitCode } from '../internal/exit-codes.js';
import { collect, collectKeyValues, parseDurationMs } from '../internal/parse-options.js';
import { examples } from '../program.js';
import { deleteSandboxes } from './delete.js';
import { listAllSandboxes } from './list.js';

interface SweepCommandOptions {
  tag?: string[];
  olderThan?: string;
  dryRun?: boolean;
  force?: boolean;
}

const ENDED_STATUSES = new Set(['Expired', 'Succeeded', 'Failed', 'ScheduleFailed']);

/**
 * Why a sandbox is past its deadline, or `undefined` when it is not: ECI ended it (Expired,
 * Succeeded, Failed), or its creation time plus `ActiveDeadlineSeconds` is behind `nowMs`.
 */
export function deadlineReason(sandbox: SandboxInfo, nowMs: number): string | undefined {
  if (ENDED_STATUSES.has(sandbox.status)) return `status ${sandbox.status}`;
  const deadlineSeconds = Number(sandbox.raw?.ActiveDeadlineSeconds);
  const createdMs = Date.parse(sandbox.creationTime);
  if (
    Number.isFinite(deadlineSeconds) &&
    deadlineSeconds > 0 &&
    Number.isFinite(createdMs) &&
    createdMs + deadlineSeconds * 1000 < nowMs
  ) {
    return `deadline of ${deadlineSeconds}s passed`;
  }
  return undefined;
}

export function registerSweepCommand(program: Command): void {
  const command = program
    .command('sweep')
    .description(
      'delete leftover sandboxes: by default those past their deadline (--ttl) or ended; with --tag or --older-than, those matching instead',
    )
    .option('-t, --tag <KEY=VALUE>', 'select sandboxes with this tag (repeatable: all must match)', collect)
    .option('--older-than <duration>', 'select sandboxes created longer ago than this, e.g. 2h')
    .option('--dry-run', 'print what would be deleted, delete nothing')
    .option('-f, --force', 'delete even sandboxes ECI would refuse to delete')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox sweep --dry-run',
        'eci-sandbox sweep --tag owner=ci --older-than 1h',
        'eci-sandbox sweep --tag run=1234 --force --json',
      ]),
    );
  defineAction<SweepCommandOptions, []>(command, async (context, options) => {
    const tags = options.tag ? collectKeyValues(options.tag, '--tag') : undefined;
    const olderThanMs = options.olderThan ? parseDurationMs(options.olderThan, '--older-than') : undefined;
    const nowMs = Date.now();
    const candidates = await context.withSpinner('listing sandboxes…', () => listAllSandboxes(tags ? { tags } : {}));
    const matched: Array<{ sandboxId: string; name: string; status: string; reason: string }> = [];
    for (const sandbox of candidates) {
      const reasons: string[] = [];
      if (tags)
        reasons.push(
          `tags ${Object.entries(tags)
            .map(([key, value]) => `${key}=${value}`)
            .join(',')}`,
        );
      if (olderThanMs !== undefined) {
        const createdMs = Date.parse(sandbox.creationTime);
        if (!(Number.isFinite(createdMs) && nowMs - createdMs > olderThanMs)) continue;
        reasons.push(`older than ${options.olderThan}`);
      }
      if (!tags && olderThanMs === undefined) {
        const reason = deadlineReason(sandbox, nowMs);
        if (!reason) continue;
        reasons.push(reason);
      }
      matched.push({ sandboxId: sandbox.sandboxId, name: sandbox.name, status: sandbox.status, reason: reasons.join(', ') });
    }
    const dryRun = options.dryRun === true;
    const outcome =
      dryRun || matched.length === 0
        ? { deleted: [], failed: [] }
        : await context.withSpinner(`deleting ${matched.length}…`, () =>
            deleteSandboxes(
              matched.map((entry) => entry.sandboxId),
              options.force === true,
            ),
          );
    if (context.json) {
      context.printJson({ dryRun, matched, ...outcome });
    } else {
      if (matched.length === 0) context.note('nothing to sweep');
      for (const entry of matched) {
        const verb = dryRun
          ? context.style.yellow('would delete')
          : outcome.deleted.includes(entry.sandboxId)
            ? context.style.green('deleted')
            : context.style.red('failed');
        context.print(`${verb} ${entry.sandboxId} ${context.style.dim(`(${entry.name}, ${entry.status}: ${entry.reason})`)}`);
      }
      for (const failure of outcome.failed)
        context.stderr.write(`${context.errorStyle.red(`error: ${failure.sandboxId}: ${failure.message}`)}\n`);
    }
    return outcome.failed.length > 0 ? ExitCode.ERROR : ExitCode.OK;
  });
}
