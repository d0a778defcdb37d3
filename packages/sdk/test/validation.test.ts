import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EciApiError, EciSandbox, EciValidationError } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { startTestBed } from './helpers.js';

describe('bad input and missing credentials', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed();
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('rejects bad input with the field named and sends nothing', async () => {
    bed.emulator.resetCalls();
    const cases = [
      [await bed.client.create({ image: '' }), 'create.image'],
      [await bed.client.create({ image: 'x', name: 'Bad_Name' }), 'create.name'],
      [await bed.client.create({ image: 'x', cpu: -1 }), 'create.cpu'],
      [await bed.client.create({ image: 'x', ttlMs: 10 }), 'create.ttlMs'],
      [await bed.client.list({ limit: 50 }), 'list.limit'],
      [await bed.client.bash('', 'echo'), 'sandboxId'],
      [await bed.client.bash('eci-1', 'echo', { timeoutMs: -5 }), 'bash.timeoutMs'],
      [await bed.client.execCommand('eci-1', []), 'argv'],
      [await bed.client.writeFile('eci-1', '', 'x'), 'path'],
      [await bed.client.tmuxPoll('eci-1', 'bad id!'), 'sessionId'],
    ] as const;
    for (const [result, field] of cases) {
      expect(result.success).toBe(false);
      expect(result.error).toBeInstanceOf(EciValidationError);
      expect((result.error as EciValidationError).field).toBe(field);
      expect(result.errorMessage).toContain(field);
    }
    expect(bed.emulator.calls.length).toBe(0);
  });

  it('invalid client options come back from every call, not thrown at construction', async () => {
    const client = new EciSandbox({ timeoutMs: -1, env: {} });
    const result = await client.list();
    expect(result.success).toBe(false);
    expect(result.errorMessage).toMatch(/timeoutMs/);
  });

  it('missing credentials: a result naming the variables to set', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'eci-sdk-nocreds-'));
    try {
      const client = new EciSandbox({ env: {}, cwd: empty, useDefaultCredentialChain: false, endpoint: bed.emulator.endpoint });
      const result = await client.list();
      expect(result.success).toBe(false);
      expect(result.error).toBeInstanceOf(EciValidationError);
      expect(result.errorMessage).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
      expect(result.errorMessage).toContain('ECI_SANDBOX_ACCESS_KEY_ID');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('API errors come back typed, with the request id, and the secret never shows', async () => {
    const client = bed.newClient({ accessKeySecret: 'wrong-secret-value-123' });
    const result = await client.list();
    expect(result.success).toBe(false);
    expect(result.error).toBeInstanceOf(EciApiError);
    expect((result.error as EciApiError).code).toMatch(/Signature/);
    expect(result.requestId).not.toBe('');
    expect(result.errorMessage).not.toContain('wrong-secret-value-123');
  });

  it('an unknown sandbox is a clear failure', async () => {
    const result = await bed.client.bash('eci-doesnotexist', 'echo');
    expect(result.success).toBe(false);
    expect(result.errorMessage).toMatch(/not found/);
  });

  it.skipIf(Boolean(process.env.ALIBABA_CLOUD_ACCESS_KEY_ID))(
    'with no keys anywhere, the default credential chain is tried and its failure explained',
    async () => {
      const empty = mkdtempSync(join(tmpdir(), 'eci-sdk-chain-'));
      try {
        bed.emulator.resetCalls();
        const client = new EciSandbox({ env: {}, cwd: empty, endpoint: bed.emulator.endpoint });
        const result = await client.list();
        expect(result.success).toBe(false);
        expect(result.error).toBeInstanceOf(EciValidationError);
        expect(result.errorMessage).toContain('ECI_SANDBOX_ACCESS_KEY_ID');
        expect(result.errorMessage).toContain('default chain');
        expect(bed.emulator.calls.length).toBe(0);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    },
  );

  it('log lines never show the secret or the exec URL token', async () => {
    const lines: string[] = [];
    const record = (message: string, fields?: Record<string, unknown>) =>
      lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const client = bed.newClient({ logger: { debug: record, info: record, warn: record, error: record } });
    const created = await client.create({ image: 'alpine:3', waitUntilRunning: true });
    expect(created.success).toBe(true);
    try {
      const started = await created.sandbox!.execCommand(['true'], { sync: false });
      const token = new URL(started.websocketUrl!).searchParams.get('s');
      expect(token).toBeTruthy();
      expect(lines.some((line) => line.includes('/exec/'))).toBe(true);
      const all = lines.join('\n');
      expect(all).not.toContain(token!);
      expect(all).not.toContain(bed.emulator.credentials.accessKeySecret);
    } finally {
      await created.sandbox!.delete({ force: true });
    }
  });
});
