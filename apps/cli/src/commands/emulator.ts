import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../internal/cli-error.js';
import { defineAction } from '../internal/define-command.js';
import { parseNonNegativeInteger } from '../internal/parse-options.js';
import { examples } from '../program.js';

interface EmulatorCommandOptions {
  host: string;
  port: string;
  runtime: string;
  stateDir?: string;
  faults?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
}

/** `--faults` takes JSON inline or `@file.json`. */
function parseFaults(text: string): Record<string, unknown> {
  const source = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    throw new UsageError(`--faults expects JSON such as '{"throttleRate":0.1,"seed":7}' or @file.json`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--faults must be a JSON object');
  return value as Record<string, unknown>;
}

/** The shell line that points the CLI and the SDK at an emulator. */
export function environmentLine(
  endpoint: string,
  credentials: { accessKeyId: string; accessKeySecret: string },
  regionId: string,
): string {
  return `export ECI_SANDBOX_ENDPOINT=${endpoint} ECI_SANDBOX_ACCESS_KEY_ID=${credentials.accessKeyId} ECI_SANDBOX_ACCESS_KEY_SECRET=${credentials.accessKeySecret} ECI_SANDBOX_REGION_ID=${regionId}`;
}

export function registerEmulatorCommand(program: Command): void {
  const command = program
    .command('emulator')
    .description(
      'run a local ECI (API + exec WebSocket) and print the environment lines to use it; Ctrl-C stops it and removes its sandboxes',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', '0')
    .option('--runtime <runtime>', 'auto | runc (Linux root, isolated) | process (anywhere, no isolation)', 'auto')
    .option('--state-dir <dir>', 'where sandboxes live (default: a temporary directory)')
    .option('--faults <json>', 'fault injection, JSON or @file.json, e.g. \'{"throttleRate":0.05,"seed":1}\'')
    .option('--access-key-id <id>', 'fix the local access key id (default: generated)')
    .option('--access-key-secret <secret>', 'fix the local access key secret (default: generated)')
    .addHelpText(
      'after',
      examples(
        [
          'eci-sandbox emulator --port 8080',
          'eci-sandbox emulator --runtime process --faults \'{"dropStreamRate":0.1}\'',
          'eci-sandbox emulator --json   # one JSON line with endpoint and credentials',
        ],
        "The credentials printed are the emulator's own local keys, not Alibaba Cloud ones.",
      ),
    );
  defineAction<EmulatorCommandOptions, []>(command, async (context, options) => {
    const port = parseNonNegativeInteger(options.port, '--port');
    if (port > 65_535) throw new UsageError(`--port must be 0-65535, got "${options.port}"`);
    if (!['auto', 'runc', 'process'].includes(options.runtime)) {
      throw new UsageError(`--runtime must be auto, runc or process, got "${options.runtime}"`);
    }
    const faults = options.faults ? parseFaults(options.faults) : undefined;
    // Loaded on demand: other commands should not pay for the emulator's start-up.
    const { startEmulator } = await import('@eci-sandbox/emulator');
    const emulator = await startEmulator({
      host: options.host,
      port,
      runtime: options.runtime as 'auto' | 'runc' | 'process',
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(faults ? { faults } : {}),
      ...(options.accessKeyId || options.accessKeySecret
        ? {
            credentials: {
              ...(options.accessKeyId ? { accessKeyId: options.accessKeyId } : {}),
              ...(options.accessKeySecret ? { accessKeySecret: options.accessKeySecret } : {}),
            },
          }
        : {}),
    });
    const runtime = emulator.runtime;
    // Listen for Ctrl-C and SIGTERM before printing anything: whoever reads the endpoint may stop us at once.
    const stopRequested = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const { accessKeyId, accessKeySecret } = emulator.credentials;
    // These are the emulator's local keys: printing them is the point. They bypass `print`,
    // whose redaction would mask them if the same values happen to be in the environment.
    if (context.json) {
      context.stdout.write(
        `${JSON.stringify({ endpoint: emulator.endpoint, regionId: emulator.regionId, accessKeyId, accessKeySecret, runtime: runtime.name, isolated: runtime.isolated, stateDir: emulator.stateDir })}\n`,
      );
    } else {
      const style = context.style;
      context.stdout.write(
        [
          `${style.green('ECI emulator')} listening on ${style.bold(emulator.endpoint)} (runtime: ${runtime.name}${runtime.isolated ? '' : ', no isolation'})`,
          style.dim(`  ${runtime.reason}`),
          '',
          'Point the CLI and the SDK at it, in another terminal:',
          '',
          `  ${environmentLine(emulator.endpoint, emulator.credentials, emulator.regionId)}`,
          '',
          `Then try: eci-sandbox create --wait   ·   Ctrl-C stops the emulator and removes its sandboxes.`,
          '',
        ].join('\n'),
      );
    }
    await stopRequested;
    context.note('stopping the emulator…');
    await emulator.close();
  });
}
