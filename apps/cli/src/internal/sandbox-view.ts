import type { SandboxInfo } from '@eci-sandbox/sdk';
import type { Style } from './style.js';
import { formatTable } from './table.js';

/** A sandbox as `--json` prints it: the SDK's description without the raw API object. */
export type SandboxJson = Omit<SandboxInfo, 'raw'>;

export function toSandboxJson(info: SandboxInfo): SandboxJson {
  const { raw: _raw, ...rest } = info;
  return rest;
}

export function colorStatus(status: string, style: Style): string {
  if (status === 'Running') return style.green(status);
  if (['Failed', 'ScheduleFailed', 'Expired'].includes(status)) return style.red(status);
  if (['Pending', 'Scheduling', 'Restarting', 'Updating', 'Terminating'].includes(status)) return style.yellow(status);
  return status;
}

function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export function formatSandboxTable(sandboxes: readonly SandboxInfo[], style: Style): string {
  return formatTable(
    sandboxes,
    [
      { header: 'ID', value: (sandbox) => sandbox.sandboxId },
      { header: 'NAME', value: (sandbox) => sandbox.name },
      { header: 'STATUS', value: (sandbox) => colorStatus(sandbox.status, style) },
      { header: 'CPU', value: (sandbox) => (sandbox.cpu === undefined ? '' : String(sandbox.cpu)) },
      { header: 'MEMORY', value: (sandbox) => (sandbox.memory === undefined ? '' : `${sandbox.memory}G`) },
      { header: 'CREATED', value: (sandbox) => sandbox.creationTime },
      { header: 'TAGS', value: (sandbox) => formatTags(sandbox.tags) },
    ],
    style.bold,
  );
}

export function formatSandboxDetails(info: SandboxInfo, style: Style): string {
  const rows: Array<[string, string]> = [
    ['id', info.sandboxId],
    ['name', info.name],
    ['status', colorStatus(info.status, style)],
    ['cpu', info.cpu === undefined ? '' : `${info.cpu} vCPU`],
    ['memory', info.memory === undefined ? '' : `${info.memory} GiB`],
    ['region', info.regionId],
    ['zone', info.zoneId],
    ['intranet ip', info.intranetIp],
    ['internet ip', info.internetIp],
    ['created', info.creationTime],
    ['containers', info.containerNames.join(', ')],
    ['tags', formatTags(info.tags)],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  return rows
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${style.dim(key.padEnd(width))}  ${value}`)
    .join('\n');
}
