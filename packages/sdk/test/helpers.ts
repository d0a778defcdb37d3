import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '@eci-sandbox/emulator';
import { startEmulator } from '@eci-sandbox/emulator';
import { EciSandbox } from '../src/index.js';
import type { EciSandboxOptions, Sandbox } from '../src/index.js';

/** An emulator on 127.0.0.1 port 0 with the process runtime, a client for it, and cleanup. */
export interface TestBed {
  emulator: Emulator;
  client: EciSandbox;
  /** A new client for the same emulator (its own container-name cache). */
  newClient(options?: EciSandboxOptions): EciSandbox;
  close(): Promise<void>;
}

export async function startTestBed(): Promise<TestBed> {
  const emulator = await startEmulator({ runtime: 'process', host: '127.0.0.1', port: 0, schedulingMs: 0, pendingMs: 0 });
  // An empty directory and environment: no .env or ALIBABA_CLOUD_* of the machine leaks in.
  const cwd = mkdtempSync(join(tmpdir(), 'eci-sdk-test-'));
  const newClient = (options: EciSandboxOptions = {}): EciSandbox =>
    new EciSandbox({
      accessKeyId: emulator.credentials.accessKeyId,
      accessKeySecret: emulator.credentials.accessKeySecret,
      endpoint: emulator.endpoint,
      regionId: emulator.regionId,
      env: {},
      cwd,
      useDefaultCredentialChain: false,
      ...options,
    });
  return {
    emulator,
    client: newClient(),
    newClient,
    close: async () => {
      await emulator.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** A test bed with one Running sandbox in it (the common set-up of a suite). */
export async function startTestBedWithSandbox(): Promise<{ bed: TestBed; sandbox: Sandbox }> {
  const bed = await startTestBed();
  const created = await bed.client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
  if (!created.success || !created.sandbox) {
    await bed.close();
    throw new Error(`creating the test sandbox failed: ${created.errorMessage}`);
  }
  return { bed, sandbox: created.sandbox };
}

/** Deletes the sandbox and closes the bed; safe when the set-up failed half-way. */
export async function closeTestBed(bed: TestBed | undefined, sandbox?: Sandbox): Promise<void> {
  await sandbox?.delete({ force: true });
  await bed?.close();
}

/** Whether tmux can run here; when ECI_SANDBOX_REQUIRE_TMUX=1 a missing tmux fails instead of skipping. */
export function tmuxAvailable(): boolean {
  const found = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.ECI_SANDBOX_REQUIRE_TMUX === '1') {
    throw new Error('ECI_SANDBOX_REQUIRE_TMUX=1 but tmux is not installed');
  }
  return found;
}
