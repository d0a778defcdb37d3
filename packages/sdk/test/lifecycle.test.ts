import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '@eci-sandbox/emulator';
import { startEmulator } from '@eci-sandbox/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EciApiError, EciSandbox } from '../src/index.js';

// An emulator whose DescribeContainerGroupStatus always fails (InternalError or
// ServiceUnavailable), with no retries in the client, to make waitUntilRunning fail.
describe('create: idempotency and failed waits', () => {
  let emulator: Emulator;
  let client: EciSandbox;
  let cwd: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      runtime: 'process',
      host: '127.0.0.1',
      port: 0,
      schedulingMs: 0,
      pendingMs: 0,
      faults: { actions: { DescribeContainerGroupStatus: { serverErrorRate: 1 } } },
    });
    cwd = mkdtempSync(join(tmpdir(), 'eci-sdk-lifecycle-'));
    client = new EciSandbox({
      ...emulator.credentials,
      endpoint: emulator.endpoint,
      regionId: emulator.regionId,
      env: {},
      cwd,
      useDefaultCredentialChain: false,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await emulator?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('the same clientToken twice makes one sandbox', async () => {
    const first = await client.create({ image: 'alpine:3', name: 'same-token', clientToken: 'token-123' });
    const second = await client.create({ image: 'alpine:3', name: 'same-token', clientToken: 'token-123' });
    expect(first.success && second.success).toBe(true);
    expect(second.sandbox?.id).toBe(first.sandbox?.id);
    expect(emulator.containerGroupIds().filter((id) => id === first.sandbox?.id)).toHaveLength(1);
    expect((await first.sandbox!.delete({ force: true })).success).toBe(true);
  });

  it('a failed wait deletes the new sandbox and says so', async () => {
    const before = emulator.containerGroupIds();
    const result = await client.create({ image: 'alpine:3', waitUntilRunning: true });
    expect(result.success).toBe(false);
    expect(result.error).toBeInstanceOf(EciApiError);
    expect(result.errorMessage).toMatch(/was created but did not reach Running .*it was deleted/);
    expect(result.sandbox).toBeUndefined();
    expect(emulator.containerGroupIds()).toEqual(before);
  });

  it('with deleteOnWaitFailure: false the sandbox is kept and its id returned', async () => {
    const result = await client.create({ image: 'alpine:3', waitUntilRunning: true, deleteOnWaitFailure: false });
    expect(result.success).toBe(false);
    expect(result.errorMessage).toMatch(/it was kept/);
    expect(result.sandboxId).toMatch(/\S/);
    expect(emulator.containerGroupIds()).toContain(result.sandboxId);
    expect((await client.delete(result.sandboxId!, { force: true })).success).toBe(true);
  });
});
