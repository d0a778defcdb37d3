import type { Command } from 'commander';
import type { SandboxInfo } from '@eci-sandbox/sdk';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { collect, collectKeyValues, parsePositiveInteger } from '../internal/parse-options.js';
import { formatSandboxTable, toSandboxJson } from '../internal/sandbox-view.js';
import { examples } from '../program.js';

interface ListCommandOptions {
  status?: string;
  name?: string;
  tag?: string[];
  vswitch?: string;
  securityGroup?: string;
  zone?: string;
  limit?: string;
}

export interface ListFilters {
  status?: string;
  name?: string;
  tags?: Record<string, string>;
  vSwitchId?: string;
  securityGroupId?: string;
  zoneId?: string;
}

/** Every sandbox matching `filters`, walking all pages (20 a page, ECI's maximum). */
export async function listAllSandboxes(filters: ListFilters, maxCount = Number.POSITIVE_INFINITY): Promise<SandboxInfo[]> {
  const client = createClient();
  const sandboxes: SandboxInfo[] = [];
  let nextToken = '';
  do {
    const page = unwrap(await client.list({ ...filters, limit: 20, ...(nextToken ? { nextToken } : {}) }), 'list failed');
    sandboxes.push(...page.sandboxes);
    nextToken = page.nextToken;
  } while (nextToken !== '' && sandboxes.length < maxCount);
  return sandboxes.slice(0, maxCount);
}

export function registerListCommand(program: Command): void {
  const command = program
    .command('list')
    .alias('ls')
    .description('list sandboxes (every page), optionally filtered')
    .option('-s, --status <status>', 'only this status: Pending, Running, Succeeded, Failed, …')
    .option('-n, --name <name>', 'only this container group name')
    .option('-t, --tag <KEY=VALUE>', 'only sandboxes with this tag (repeatable: all must match)', collect)
    .option('--vswitch <id>', 'only this VSwitch')
    .option('--security-group <id>', 'only this security group')
    .option('--zone <id>', 'only this zone')
    .option('--limit <count>', 'stop after this many sandboxes')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox list',
        'eci-sandbox list --status Running --tag owner=ci',
        'eci-sandbox list --json | jq -r ".sandboxes[].sandboxId"',
      ]),
    );
  defineAction<ListCommandOptions, []>(command, async (context, options) => {
    const limit = options.limit ? parsePositiveInteger(options.limit, '--limit') : undefined;
    const filters: ListFilters = {
      ...(options.status ? { status: options.status } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.tag ? { tags: collectKeyValues(options.tag, '--tag') } : {}),
      ...(options.vswitch ? { vSwitchId: options.vswitch } : {}),
      ...(options.securityGroup ? { securityGroupId: options.securityGroup } : {}),
      ...(options.zone ? { zoneId: options.zone } : {}),
    };
    const sandboxes = await context.withSpinner('listing sandboxes…', () => listAllSandboxes(filters, limit));
    if (context.json) {
      context.printJson({ sandboxes: sandboxes.map(toSandboxJson), totalCount: sandboxes.length });
      return;
    }
    if (sandboxes.length === 0) {
      context.note('no sandboxes');
      return;
    }
    context.print(formatSandboxTable(sandboxes, context.style));
  });
}
