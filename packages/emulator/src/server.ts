import { startEmulator, type Emulator, type EmulatorOptions } from './emulator.js';

/** Options of {@link runEmulatorServer}: the emulator's options plus where to report. */
export interface EmulatorServerOptions extends EmulatorOptions {
  /** Where the connection details and log lines go. Default: stdout. */
  write?: (line: string) => void;
  /** Stops the server when aborted (in addition to SIGINT and SIGTERM). */
  signal?: AbortSignal;
  /** Handle SIGINT and SIGTERM by closing cleanly. Default true. */
  handleSignals?: boolean;
}

/**
 * Runs the emulator as a standalone server until SIGINT, SIGTERM or the abort signal, then
 * removes every sandbox. Prints the endpoint and the (local, emulator-only) access key so
 * clients can connect — the secret only when it was generated. Resolves once closed.
 */
export async function runEmulatorServer(options: EmulatorServerOptions = {}): Promise<void> {
  const {
    write = (line: string) => process.stdout.write(`${line}\n`),
    signal,
    handleSignals = true,
    ...emulatorOptions
  } = options;
  const emulator: Emulator = await startEmulator({ log: (line) => write(`[emulator] ${line}`), ...emulatorOptions });
  write(`ECI emulator listening on ${emulator.endpoint} (runtime: ${emulator.runtime.name} — ${emulator.runtime.reason})`);
  write(`exec streams on ${emulator.execEndpoint}; state in ${emulator.stateDir}`);
  write('Connect with (these credentials are valid for this emulator only):');
  write(`  ECI_SANDBOX_ENDPOINT=${emulator.endpoint}`);
  write(`  ECI_SANDBOX_ACCESS_KEY_ID=${emulator.credentials.accessKeyId}`);
  // A generated secret is printed once, since nothing else could tell it; a configured one is not.
  write(
    emulatorOptions.credentials?.accessKeySecret
      ? '  ECI_SANDBOX_ACCESS_KEY_SECRET=(the secret you configured)'
      : `  ECI_SANDBOX_ACCESS_KEY_SECRET=${emulator.credentials.accessKeySecret}`,
  );
  if (emulator.credentials.securityToken) write('  (an STS security token is required: the one you configured)');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', stop, { once: true });
    if (handleSignals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  write('shutting down: removing every sandbox');
  await emulator.close();
}
