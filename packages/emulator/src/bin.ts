#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runEmulatorServer } from './server.js';

const USAGE = `Usage: eci-emulator [options]

  --host <address>        listen address (default 127.0.0.1; env ECI_EMULATOR_HOST)
  --port <n>              port, 0 = any free one (default 0; env ECI_EMULATOR_PORT)
  --runtime <kind>        auto | runc | process (default auto; env ECI_EMULATOR_RUNTIME)
  --state-dir <dir>       where sandboxes live (default a temporary directory; env ECI_EMULATOR_STATE_DIR)
  --access-key-id <id>    fixed access key id (env ECI_EMULATOR_ACCESS_KEY_ID)
  --no-quotas             turn ECI's flow control off
  --fault-seed <n>        seed of the fault sequence
  -h, --help              this text

The access key secret is read from ECI_EMULATOR_ACCESS_KEY_SECRET (generated when unset).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      runtime: { type: 'string' },
      'state-dir': { type: 'string' },
      'access-key-id': { type: 'string' },
      'no-quotas': { type: 'boolean' },
      'fault-seed': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = process.env;
  const runtime = values.runtime ?? env.ECI_EMULATOR_RUNTIME ?? 'auto';
  if (runtime !== 'auto' && runtime !== 'runc' && runtime !== 'process') {
    throw new Error(`--runtime must be auto, runc or process, got "${runtime}"`);
  }
  const portText = values.port ?? env.ECI_EMULATOR_PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got "${portText}"`);
  await runEmulatorServer({
    host: values.host ?? env.ECI_EMULATOR_HOST,
    port,
    runtime,
    stateDir: values['state-dir'] ?? env.ECI_EMULATOR_STATE_DIR,
    credentials: {
      accessKeyId: values['access-key-id'] ?? env.ECI_EMULATOR_ACCESS_KEY_ID,
      accessKeySecret: env.ECI_EMULATOR_ACCESS_KEY_SECRET,
    },
    quotas: values['no-quotas'] ? false : undefined,
    faults: values['fault-seed'] ? { seed: Number(values['fault-seed']) } : undefined,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`eci-emulator: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
