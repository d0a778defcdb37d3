import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleScript, writeScript } from './file-transfer.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'eci-settle-script-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const bash = (script: string, input = '') => spawnSync('bash', ['-c', script], { input, encoding: 'utf8' });
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const nonce = 'a'.repeat(32);

describe('the settle script against a writer that has not started yet', () => {
  it('leaves a tombstone that makes the late writer give up, remove it and write nothing', async () => {
    const path = join(directory, 'target.txt');
    await writeFile(path, 'previous');
    const settled = bash(settleScript(path, nonce, sha256('new')));
    expect(settled.stdout).toBe('eci-settle absent\n');
    expect(await readdir(directory)).toEqual([`.eci-write.${nonce}`, 'target.txt']);
    const late = bash(writeScript(path, '', nonce), `3\nnew0\n${sha256('new')}\n`);
    expect(late.status).toBe(70);
    expect(late.stderr).toMatch(/already settled as not written/);
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(directory)).toEqual(['target.txt']);
  });

  it('reports written when the target already holds the data', async () => {
    const path = join(directory, 'target.txt');
    const written = bash(writeScript(path, '', nonce), `3\nnew0\n${sha256('new')}\n`);
    expect(written.status).toBe(0);
    expect(bash(settleScript(path, nonce, sha256('new'))).stdout).toBe('eci-settle written\n');
    expect(await readdir(directory)).toEqual(['target.txt']);
  });
});
