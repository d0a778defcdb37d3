import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBed } from './helpers.js';
import { startTestBed } from './helpers.js';

describe('options passed through to the layers below', () => {
  let bed: TestBed;
  let sandboxId: string;
  beforeAll(async () => {
    bed = await startTestBed();
    const created = await bed.client.create({ image: 'alpine:3', waitUntilRunning: true });
    expect(created.errorMessage).toBe('');
    sandboxId = created.sandbox!.id;
  });
  afterAll(async () => {
    if (sandboxId) await bed.client.delete(sandboxId, { force: true });
    await bed?.close();
  });

  it('signatureVersion v1 signs with HMAC-SHA1 and works', async () => {
    const client = bed.newClient({ signatureVersion: 'v1' });
    bed.emulator.resetCalls();
    const page = await client.list();
    expect(page.errorMessage).toBe('');
    expect(page.sandboxIds).toContain(sandboxId);
    expect(bed.emulator.calls.list()[0]?.params.SignatureMethod).toBe('HMAC-SHA1');
  });

  it('execProtocol v4 takes exit codes from the status frame', async () => {
    const client = bed.newClient({ execProtocol: 'v4' });
    const result = await client.bash(sandboxId, 'echo v4; exit 5');
    expect(result.errorMessage).toBe('');
    expect(result.stdout).toBe('v4\n');
    expect(result.exitCode).toBe(5);
  });

  it('execLimits: a tiny argv limit sends even a short script over stdin, still one exec', async () => {
    const client = bed.newClient({ execLimits: { maxJsonBytes: 256, maxArgChars: 64, maxArgs: 3 } });
    await client.info(sandboxId); // learn the container name first
    bed.emulator.resetCalls();
    const script = `echo ${'x'.repeat(300)} | wc -c`;
    const result = await client.bash(sandboxId, script);
    expect(result.stdout.trim()).toBe('301');
    expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
    const command = JSON.parse(bed.emulator.calls.list()[0]?.params.Command ?? '[]') as string[];
    expect(JSON.stringify(command).length).toBeLessThanOrEqual(256);
    expect(bed.emulator.calls.list()[0]?.params.Stdin).toBe('true');
  });
});
