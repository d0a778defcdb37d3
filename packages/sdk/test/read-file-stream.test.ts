import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EciValidationError, ExecStreamError } from '../src/index.js';
import type { Sandbox } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { closeTestBed, startTestBedWithSandbox } from './helpers.js';

describe('readFileStream', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    ({ bed, sandbox } = await startTestBedWithSandbox());
  });
  afterAll(() => closeTestBed(bed, sandbox));

  it('yields the exact bytes of a file in pieces, over one exec', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    expect((await sandbox.writeFile('/tmp/stream.bin', data)).success).toBe(true);
    bed.emulator.resetCalls();
    const pieces: Uint8Array[] = [];
    for await (const piece of sandbox.readFileStream('/tmp/stream.bin')) pieces.push(piece);
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
    expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
    expect(bed.emulator.calls.length).toBe(1);
  });

  it('throws from the iteration: a missing file, and bad input before anything is sent', async () => {
    const read = async (path: string): Promise<unknown> => {
      try {
        for await (const piece of sandbox.readFileStream(path)) void piece;
        return undefined;
      } catch (error) {
        return error;
      }
    };
    const missing = await read('/tmp/no-such-file');
    expect(missing).toBeInstanceOf(ExecStreamError);
    bed.emulator.resetCalls();
    const bad = await read('');
    expect(bad).toBeInstanceOf(EciValidationError);
    expect(bed.emulator.calls.length).toBe(0);
  });
});
