import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@eci-sandbox/emulator';
import { expect, it } from 'vitest';
import { EciSandbox } from '../src/index.js';

// Regression guard for a reported hang: the emulator's close() never resolved after
// DescribeContainerGroupStatus was polled while a kept sandbox was still Pending.
it('a sandbox kept after a failed wait (still Pending) does not keep the emulator from closing', async () => {
  const emulator = await startEmulator({ runtime: 'process', host: '127.0.0.1', port: 0, schedulingMs: 0, pendingMs: 3000 });
  const cwd = mkdtempSync(join(tmpdir(), 'eci-sdk-pending-'));
  try {
    const client = new EciSandbox({
      ...emulator.credentials,
      endpoint: emulator.endpoint,
      regionId: emulator.regionId,
      env: {},
      cwd,
      useDefaultCredentialChain: false,
    });
    const created = await client.create({
      image: 'ubuntu:24.04',
      waitUntilRunning: true,
      waitTimeoutMs: 300,
      deleteOnWaitFailure: false,
    });
    expect(created.success).toBe(false);
    expect(created.errorMessage).toContain('Pending');
    expect(created.sandboxId).toMatch(/^eci-/);
    expect(emulator.calls.count('DescribeContainerGroupStatus')).toBeGreaterThanOrEqual(1);
  } finally {
    // If close() hangs, this test fails on vitest's timeout.
    await emulator.close();
    rmSync(cwd, { recursive: true, force: true });
  }
});
