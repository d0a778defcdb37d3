import type { EciSandbox } from '@eci-sandbox/sdk';
import { CliError } from './cli-error.js';

/** A remote program under a terminal. */
export interface RemoteTerminal {
  write(bytes: Uint8Array): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  kill(): void;
  wait(): Promise<{ exitCode: number | null }>;
}

/** Starts `argv` in the sandbox under a pseudo-terminal of `size`, streaming its output bytes. */
export async function openTerminal(
  _client: EciSandbox,
  _sandboxId: string,
  _argv: string[],
  _size: { cols: number; rows: number },
  _handlers: { onOutput: (bytes: Uint8Array) => void },
): Promise<RemoteTerminal> {
  throw new CliError('shell is not available yet');
}
