import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile as readLocalFile, rm, stat, writeFile as writeLocalFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamTruncatedError, WriteOutcomeUnknownError, writeFile } from '../src/index.js';
import type { ExecLauncher } from '../src/index.js';
import { startExecServer } from './support/exec-server.js';
import type { ExecServer } from './support/exec-server.js';

let server: ExecServer;
let directory: string;
beforeAll(async () => {
  server = await startExecServer();
  directory = await mkdtemp(join(tmpdir(), 'eci-settle-'));
});
afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Polls a condition (every 10 ms) until it holds; fails after 15 s. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('a write whose stream is cut after all its data was sent', () => {
  it('resolves when the sandbox had already renamed the new file into place', async () => {
    const path = join(directory, 'landed', 'target.bin');
    await mkdir(join(directory, 'landed'));
    await writeLocalFile(path, 'previous');
    const data = randomBytes(200_000);
    // The stream goes right after the sandbox's verification line; the writer goes on and renames.
    const verificationLine = `${data.length} ${sha256(data)}\n`;
    let launches = 0;
    const launcher: ExecLauncher = async (argv, options) => {
      launches += 1;
      if (launches === 1) {
        return server.register({ ...options, argv, cutAfterStdoutBytes: verificationLine.length, keepProcessOnCut: true });
      }
      // The settle call comes once the writer has ended, so the rename has happened.
      await until(() => server.running === 0, 'the writer to exit');
      return server.register({ ...options, argv });
    };
    const result = await writeFile(launcher, path, data);
    expect(result).toEqual({ path, bytes: data.length, sha256: sha256(data) });
    expect(launches).toBe(2);
    expect((await readLocalFile(path)).equals(data)).toBe(true);
    expect(await readdir(join(directory, 'landed'))).toEqual(['target.bin']);
  });

  it('claims the temp file before the rename: rejects, the old file stays, no temp file remains', async () => {
    const folder = join(directory, 'claimed');
    const path = join(folder, 'target.txt');
    await mkdir(folder);
    await writeLocalFile(path, 'previous');
    // A `mv` first on the writer's PATH that holds the rename until the test releases it.
    const bin = join(directory, 'bin-held-mv');
    const release = join(directory, 'release-mv');
    const arrived = join(directory, 'mv-arrived');
    const realMv = execFileSync('sh', ['-c', 'command -v mv'], { encoding: 'utf8' }).trim();
    await mkdir(bin);
    execFileSync('mkfifo', [release]);
    await writeLocalFile(join(bin, 'mv'), `#!/bin/sh\n: > '${arrived}'\nread line < '${release}'\nexec '${realMv}' "$@"\n`, {
      mode: 0o755,
    });
    let launches = 0;
    const launcher: ExecLauncher = async (argv, options) => {
      launches += 1;
      if (launches === 1) {
        const held = ['env', `PATH=${bin}:${process.env.PATH ?? ''}`, ...argv];
        return server.register({ ...options, argv: held, cutAfterStdoutBytes: 1, keepProcessOnCut: true });
      }
      return server.register({ ...options, argv });
    };
    const error = await writeFile(launcher, path, 'new content').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(launches).toBe(2);
    expect(await readLocalFile(path, 'utf8')).toBe('previous');
    // The writer, still alive, reaches its rename; released, it finds nothing left to commit.
    await until(() => exists(arrived), 'the writer to reach its rename');
    await writeLocalFile(release, 'go\n');
    await until(() => server.running === 0, 'the writer to exit');
    expect(await readLocalFile(path, 'utf8')).toBe('previous');
    expect(await readdir(folder)).toEqual(['target.txt']);
  });

  it('says the outcome is unknown when the settle call cannot be launched', async () => {
    const path = join(directory, 'unknown.txt');
    await writeLocalFile(path, 'previous');
    let launches = 0;
    const launcher: ExecLauncher = async (argv, options) => {
      launches += 1;
      if (launches === 1) return server.register({ ...options, argv, cutAfterStdoutBytes: 1 });
      throw new Error('exec quota exceeded');
    };
    const error = await writeFile(launcher, path, 'new content').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WriteOutcomeUnknownError);
    expect(error).toMatchObject({ outcome: 'unknown', path, retryable: true });
    expect((error as Error).message).toMatch(/outcome is unknown/);
    expect((error as Error).message).toMatch(/exec quota exceeded/);
    expect((error as Error).cause).toBeInstanceOf(StreamTruncatedError);
    expect(launches).toBe(2);
    await until(() => server.running === 0, 'the writer to end');
  });
  it('tries the settle call again after a retryable launch failure', async () => {
    const path = join(directory, 'retried.txt');
    await writeLocalFile(path, 'previous');
    let launches = 0;
    const launcher: ExecLauncher = async (argv, options) => {
      launches += 1;
      if (launches === 1) return server.register({ ...options, argv, cutAfterStdoutBytes: 1 });
      if (launches === 2) throw Object.assign(new Error('connection reset'), { retryable: true });
      return server.register({ ...options, argv });
    };
    await until(() => server.running === 0, 'earlier writers to end');
    const result = await writeFile(launcher, path, 'new content').then(
      (written) => ({ written }),
      (error: unknown) => ({ error }),
    );
    // The third launch ran the check: the outcome is known either way, never "unknown".
    expect(launches).toBe(3);
    if ('error' in result) expect(result.error).not.toBeInstanceOf(WriteOutcomeUnknownError);
    else expect(await readLocalFile(path, 'utf8')).toBe('new content');
    await until(() => server.running === 0, 'the writer to end');
  });
});
