import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator, EmulatorOptions } from '@eci-sandbox/emulator';
import { startEmulator } from '@eci-sandbox/emulator';
import { EciSandbox } from '@eci-sandbox/sdk';
import type { EciSandboxOptions, SandboxListResult } from '@eci-sandbox/sdk';

/** An emulator (process runtime, no start-up delay) on 127.0.0.1 port 0, clients for it, cleanup. */
export interface TestBed {
  emulator: Emulator;
  /** A client that reads nothing from this machine's environment or .env files. */
  newClient(options?: EciSandboxOptions): EciSandbox;
  close(): Promise<void>;
}

export async function startTestBed(options: EmulatorOptions = {}): Promise<TestBed> {
  const emulator = await startEmulator({
    runtime: 'process',
    host: '127.0.0.1',
    port: 0,
    schedulingMs: 0,
    pendingMs: 0,
    ...options,
  });
  const cwd = mkdtempSync(join(tmpdir(), 'eci-suites-'));
  return {
    emulator,
    newClient: (clientOptions = {}) =>
      new EciSandbox({
        accessKeyId: emulator.credentials.accessKeyId,
        accessKeySecret: emulator.credentials.accessKeySecret,
        endpoint: emulator.endpoint,
        regionId: emulator.regionId,
        env: {},
        cwd,
        useDefaultCredentialChain: false,
        ...clientOptions,
      }),
    close: async () => {
      await emulator.close();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** Retries an SDK call that returns a result until it succeeds (faults are on), up to `attempts`. */
export async function untilSuccess<Result extends { success: boolean; errorMessage: string }>(
  call: () => Promise<Result>,
  attempts = 30,
): Promise<Result> {
  let last: Result | undefined;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    last = await call();
    if (last.success) return last;
  }
  throw new Error(`still failing after ${attempts} attempts: ${last?.errorMessage}`);
}

/** Every sandbox id, page by page, each page retried until it succeeds. */
export async function listAllIds(client: EciSandbox): Promise<string[]> {
  const ids: string[] = [];
  let nextToken = '';
  do {
    const token = nextToken;
    const page: SandboxListResult = await untilSuccess(() => client.list(token ? { nextToken: token } : {}));
    ids.push(...page.sandboxIds);
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function forEachConcurrently<Item>(
  items: Item[],
  concurrency: number,
  work: (item: Item, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index]!, index);
      }
    }),
  );
}

/** Polls `condition` until it holds or `timeoutMs` passes (no fixed sleeps as the wait). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether tmux can run here; ECI_SANDBOX_REQUIRE_TMUX=1 turns a missing tmux into a failure. */
export function tmuxAvailable(): boolean {
  const found = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.ECI_SANDBOX_REQUIRE_TMUX === '1')
    throw new Error('ECI_SANDBOX_REQUIRE_TMUX=1 but tmux is not installed');
  return found;
}
