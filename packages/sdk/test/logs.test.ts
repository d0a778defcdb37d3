import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EciValidationError } from '../src/index.js';
import type { Sandbox } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { startTestBed } from './helpers.js';

describe('logs: DescribeContainerLog', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    bed = await startTestBed();
    const created = await bed.client.create({
      image: 'ubuntu:24.04',
      command: ['/bin/sh', '-c', 'for i in 1 2 3 4 5; do echo "line$i"; done; echo err-line >&2; echo done-line; exec sleep 600'],
      waitUntilRunning: true,
    });
    expect(created.errorMessage).toBe('');
    sandbox = created.sandbox!;
    // The main process writes its log on its own schedule: poll until the last line is there.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const log = await sandbox.logs();
      expect(log.errorMessage).toBe('');
      if (log.content.includes('done-line')) break;
      if (Date.now() > deadline) throw new Error(`the log never showed done-line: ${JSON.stringify(log.content)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  afterAll(async () => {
    await sandbox?.delete({ force: true });
    await bed?.close();
  });

  it('returns the main process output (stdout and stderr), not exec output', async () => {
    await sandbox.bash('echo from-exec');
    const log = await sandbox.logs();
    expect(log).toMatchObject({ success: true, containerName: 'sandbox' });
    expect(log.requestId).not.toBe('');
    expect(log.content).toContain('line1\nline2\n');
    expect(log.content).toContain('err-line');
    expect(log.content).not.toContain('from-exec');
  });

  it('tail and limitBytes cut from the end', async () => {
    const tail = await sandbox.logs({ tail: 2 });
    expect(tail.content.trimEnd().split('\n')).toHaveLength(2);
    expect(tail.content).toMatch(/done-line\n$/);
    const bytes = await sandbox.logs({ limitBytes: 10 });
    expect(bytes.content).toBe('done-line\n'.slice(-10));
  });

  it('sends Tail, LimitBytes, SinceSeconds and Timestamps as ECI names them; by id costs one describe once', async () => {
    const client = bed.newClient();
    bed.emulator.resetCalls();
    const first = await client.logs(sandbox.id, { tail: 3, limitBytes: 4096, sinceSeconds: 60, timestamps: true });
    expect(first.errorMessage).toBe('');
    const second = await client.logs(sandbox.id);
    expect(second.success).toBe(true);
    expect(bed.emulator.calls.count('DescribeContainerGroups')).toBe(1);
    expect(bed.emulator.calls.count('DescribeContainerLog')).toBe(2);
    const params = bed.emulator.calls.list().find((call) => call.action === 'DescribeContainerLog')?.params;
    expect(params).toMatchObject({
      ContainerName: 'sandbox',
      Tail: '3',
      LimitBytes: '4096',
      SinceSeconds: '60',
      Timestamps: 'true',
    });
  });

  it('bad options and unknown sandboxes: results, not throws; nothing sent for bad options', async () => {
    bed.emulator.resetCalls();
    const bad = await sandbox.logs({ tail: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error).toBeInstanceOf(EciValidationError);
    expect((bad.error as EciValidationError).field).toBe('logs.tail');
    const tooMuch = await sandbox.logs({ limitBytes: 2_000_000 });
    expect(tooMuch.errorMessage).toContain('limitBytes');
    expect(bed.emulator.calls.length).toBe(0);
    const missing = await bed.client.logs('eci-doesnotexist000000');
    expect(missing).toMatchObject({ success: false, content: '' });
    expect(missing.errorMessage).not.toBe('');
  });
});
