import { EciSandbox, type Sandbox } from '@eci-sandbox/sdk';
import type { CommandContext } from './context.js';
import { CliError } from './cli-error.js';
import { unwrap } from './client.js';
import { formatTable } from './table.js';

/** One step of the demo and the API calls it cost. */
export interface DemoStep {
  title: string;
  /** API calls by action, e.g. `{ ExecContainerCommand: 1 }`. */
  calls: Record<string, number>;
  /** Exec WebSocket streams opened. */
  streams: number;
  durationMs: number;
  skipped?: string;
}

export interface DemoSummary {
  runtime: string;
  sandboxId: string;
  steps: DemoStep[];
  totalCalls: number;
  durationMs: number;
  cleanedUp: boolean;
}

function formatCalls(calls: Record<string, number>): string {
  const entries = Object.entries(calls);
  if (entries.length === 0) return 'no API calls';
  return entries.map(([action, count]) => `${action} ×${count}`).join(', ');
}

/**
 * The guided tour: an in-process emulator, one sandbox, commands, files, a tmux job, and the API
 * calls each step spent (read from the emulator's call log). Everything is removed at the end,
 * however the tour ends.
 */
export async function runDemo(context: CommandContext, options: { runtime: 'auto' | 'runc' | 'process' }): Promise<DemoSummary> {
  const startedAt = Date.now();
  const { style } = context;
  const say = (line = ''): void => context.print(line);
  // Loaded on demand: other commands should not pay for the emulator's start-up.
  const { startEmulator } = await import('@eci-sandbox/emulator');
  const emulator = await context.withSpinner('starting the local ECI emulator…', () =>
    startEmulator({ host: '127.0.0.1', port: 0, runtime: options.runtime }),
  );
  const calls = emulator.calls;
  const steps: DemoStep[] = [];
  let sandbox: Sandbox | undefined;
  let cleanedUp = false;
  let sandboxId = '';
  let skippedTmux = false;

  const step = async <T>(title: string, work: () => Promise<T>): Promise<T> => {
    say(`\n${style.bold(style.cyan('▸'))} ${style.bold(title)}`);
    const before = calls.list().length;
    const streamsBefore = calls.execStreams;
    const stepStartedAt = Date.now();
    const value = await work();
    const counted: Record<string, number> = {};
    for (const record of calls.list().slice(before)) counted[record.action] = (counted[record.action] ?? 0) + 1;
    const record: DemoStep = {
      title,
      calls: counted,
      streams: calls.execStreams - streamsBefore,
      durationMs: Date.now() - stepStartedAt,
    };
    steps.push(record);
    say(style.dim(`  API calls: ${formatCalls(counted)} · ${record.durationMs} ms`));
    return value;
  };

  try {
    say(
      `${style.green('ECI emulator')} running in-process at ${emulator.endpoint} (runtime: ${emulator.runtime.name}${emulator.runtime.isolated ? '' : ', no isolation'})`,
    );
    const client = new EciSandbox({
      endpoint: emulator.endpoint,
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      regionId: emulator.regionId,
      useDefaultCredentialChain: false,
      // Only the emulator: no configuration from this process's environment.
      env: {},
    });

    sandbox = await step('Create a sandbox and wait until it is Running', async () => {
      const result = unwrap(
        await context.withSpinner('creating…', () =>
          client.create({
            image: 'debian:12-slim',
            name: 'eci-sandbox-demo',
            tags: { 'created-by': 'eci-sandbox-demo' },
            ttlMs: 600_000,
            waitUntilRunning: true,
          }),
        ),
        'create failed',
      );
      if (!result.sandbox) throw new CliError('create returned no sandbox');
      sandboxId = result.sandbox.id;
      say(`  sandbox ${style.bold(result.sandbox.id)} is ${style.green(result.info?.status ?? 'Running')}`);
      return result.sandbox;
    });
    const active = sandbox;

    await step('Run a command', async () => {
      const result = unwrap(await active.bash('echo "hello from $(hostname)"; uname -sm'));
      for (const line of result.stdout.trimEnd().split('\n')) say(`  ${style.dim('stdout')} ${line}`);
      say(`  exit code ${style.green(String(result.exitCode))}`);
    });

    await step('A failing command: exit code and stderr come back apart', async () => {
      const result = unwrap(await active.bash('echo "working…"; echo "something went wrong" >&2; exit 3'));
      say(`  ${style.dim('stdout')} ${result.stdout.trim()}`);
      say(`  ${style.dim('stderr')} ${style.red(result.stderr.trim())}`);
      say(`  exit code ${style.yellow(String(result.exitCode))}  ${style.dim('(a non-zero exit is data, not an error)')}`);
      if (result.exitCode !== 3) throw new CliError(`expected exit code 3, got ${result.exitCode}`);
    });

    await step('Write a file and read it back (binary-safe, verified by sha256)', async () => {
      const content = Buffer.concat([Buffer.from('#!/bin/sh\necho "made by the demo"\n'), Buffer.from([0, 1, 2, 253, 254, 255])]);
      const written = unwrap(await active.writeFile('/tmp/eci-sandbox-demo/data.bin', content));
      const read = unwrap(await active.readFile('/tmp/eci-sandbox-demo/data.bin'));
      const same = Buffer.from(read.content ?? new Uint8Array()).equals(content);
      say(
        `  wrote ${written.bytesWritten} bytes, read ${read.content?.length ?? 0} back: ${same ? style.green('identical') : style.red('DIFFERENT')}`,
      );
      if (!same) throw new CliError('the file read back differs from the one written');
    });

    await step('Run a background job in tmux and wait on it with live output', async () => {
      // No separate check: a sandbox without tmux makes tmuxStart fail with TmuxNotFoundError.
      const attempt = await active.tmuxStart('for step in 1 2 3; do echo "job step $step"; sleep 0.3; done; echo done');
      if (!attempt.success && attempt.error?.name === 'TmuxNotFoundError') {
        say(`  ${style.yellow('skipped: tmux is not installed in the sandbox')}`);
        skippedTmux = true;
        return;
      }
      const started = unwrap(attempt);
      say(`  job ${style.bold(started.sessionId)} started`);
      const waited = unwrap(
        await active.tmuxWait(started.sessionId, {
          timeoutMs: 60_000,
          cleanup: true,
          onOutput: (chunk) => {
            for (const line of chunk.split('\n')) if (line.trim() !== '') say(`  ${style.dim('live')} ${line}`);
          },
        }),
      );
      say(`  job ${waited.status.toLowerCase()} with exit code ${style.green(String(waited.exitCode))}`);
    });
    if (skippedTmux) {
      const last = steps[steps.length - 1];
      if (last) last.skipped = 'tmux is not installed';
    }

    await step('Delete the sandbox', async () => {
      unwrap(await active.delete({ force: true }));
      sandbox = undefined;
      say(`  ${style.green('deleted')} ${active.id}`);
    });
    cleanedUp = true;
  } finally {
    if (sandbox) await sandbox.delete({ force: true }).catch(() => undefined);
    await emulator.close();
  }

  const totalCalls = steps.reduce((sum, entry) => sum + Object.values(entry.calls).reduce((a, b) => a + b, 0), 0);
  const summary: DemoSummary = {
    runtime: emulator.runtime.name,
    sandboxId,
    steps,
    totalCalls,
    durationMs: Date.now() - startedAt,
    cleanedUp,
  };
  return summary;
}

export function formatDemoSummary(summary: DemoSummary, context: CommandContext): string {
  const { style } = context;
  const table = formatTable(
    summary.steps,
    [
      { header: 'STEP', value: (entry) => entry.title },
      {
        header: 'API CALLS',
        value: (entry) =>
          entry.skipped
            ? style.yellow(`skipped (${entry.skipped})`)
            : String(Object.values(entry.calls).reduce((a, b) => a + b, 0)),
      },
      { header: 'DETAIL', value: (entry) => (entry.skipped ? '' : formatCalls(entry.calls)) },
    ],
    style.bold,
  );
  return [
    '',
    style.bold('Summary'),
    table,
    '',
    `${style.green('✔')} ${summary.totalCalls} API calls in ${(summary.durationMs / 1000).toFixed(1)} s; everything was deleted.`,
    `Next: ${style.bold('eci-sandbox emulator')} to keep a local ECI running, or set ECI_SANDBOX_ACCESS_KEY_ID/SECRET and ECI_SANDBOX_REGION_ID to use Alibaba Cloud.`,
  ].join('\n');
}
