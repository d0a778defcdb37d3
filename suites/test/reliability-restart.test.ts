import { afterAll, describe, expect, it } from 'vitest';
import type { Emulator } from '@eci-sandbox/emulator';
import { startEmulator } from '@eci-sandbox/emulator';
import { EciConnectionError, EciError, ExecStreamError } from '@eci-sandbox/sdk';
import type { TestBed } from './support/test-bed.js';
import { startTestBed } from './support/test-bed.js';

// The emulator goes away while a client uses it, then comes back on the same port.
describe('emulator restart during use', () => {
  let bed: TestBed | undefined;
  let second: Emulator | undefined;

  afterAll(async () => {
    await second?.close();
    await bed?.close();
  });

  it('reports typed, readable errors while it is down and recovers once it is back', async () => {
    bed = await startTestBed();
    const { emulator } = bed;
    const port = Number(new URL(emulator.endpoint).port);
    const client = bed.newClient({ maxRetries: 1 });
    const created = await client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
    expect(created.errorMessage).toBe('');
    const sandbox = created.sandbox!;
    expect((await sandbox.bash('echo before')).stdout).toBe('before\n');

    // A command streaming when the server goes away: a typed failure, never a success.
    let started!: () => void;
    const outputSeen = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = sandbox.bash('echo started; sleep 30; echo never', { onStdout: () => started() });
    await outputSeen;
    await emulator.close();
    const cut = await running;
    expect(cut.success).toBe(false);
    expect(cut.error).toBeInstanceOf(ExecStreamError);
    expect(cut.stdout).toBe('started\n');

    // Connection refused: a typed connection error with a message a person can act on.
    const down = await sandbox.bash('echo down');
    expect(down.success).toBe(false);
    expect(down.error).toBeInstanceOf(EciConnectionError);
    expect((down.error as EciConnectionError).beforeRequestSent).toBe(true);
    expect(down.errorMessage).toContain(`127.0.0.1:${port}`);
    expect(down.errorMessage).toMatch(/ECONNREFUSED/);
    expect(down.errorMessage).not.toContain(emulator.credentials.accessKeySecret);
    const listed = await client.list();
    expect(listed.success).toBe(false);
    expect(listed.error).toBeInstanceOf(EciError);

    // Back on the same port with the same keys: the same client works again. The old sandbox went
    // with the old emulator (close() removes sandboxes), so its id is now unknown: a typed API error.
    second = await startEmulator({
      runtime: 'process',
      host: '127.0.0.1',
      port,
      schedulingMs: 0,
      pendingMs: 0,
      credentials: { accessKeyId: emulator.credentials.accessKeyId, accessKeySecret: emulator.credentials.accessKeySecret },
    });
    const recreated = await client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
    expect(recreated.errorMessage).toBe('');
    const again = await recreated.sandbox!.bash('echo after');
    expect(again.stdout).toBe('after\n');
    expect((await client.list()).sandboxIds).toEqual([recreated.sandboxId]);
    const gone = await sandbox.bash('echo gone');
    expect(gone.success).toBe(false);
    expect(gone.error).toBeInstanceOf(EciError);
    expect(gone.errorMessage).not.toBe('');
    expect((await recreated.sandbox!.delete({ force: true })).success).toBe(true);
  });
});
