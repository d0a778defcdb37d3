import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile as readLocalFile, rm, stat, writeFile as writeLocalFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecAbortError, ExecValidationError, readFile, readFileStream, writeFile } from '../src/index.js';
import type { ExecLauncher } from '../src/index.js';
import { startExecServer } from './support/exec-server.js';
import type { ExecServer } from './support/exec-server.js';

let server: ExecServer;
let directory: string;
beforeAll(async () => {
  server = await startExecServer();
  directory = await mkdtemp(join(tmpdir(), 'eci-files-'));
});
afterAll(async () => {
  await server.close();
  await rm(directory, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('file transfer over a real WebSocket', () => {
  it('writes a 50 MiB binary file and reads it back byte-identical', async () => {
    const data = randomBytes(50 * 1024 * 1024);
    const path = join(directory, 'deep', 'er', 'blob.bin');
    const written = await writeFile(server.launcher, path, data, { mode: 0o640 });
    expect(written).toEqual({ path, bytes: data.length, sha256: sha256(data) });
    const onDisk = await readLocalFile(path);
    expect(onDisk.equals(data)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    const back = await readFile(server.launcher, path);
    expect(Buffer.from(back).equals(data)).toBe(true);
    expect(await readdir(join(directory, 'deep', 'er'))).toEqual(['blob.bin']);
  });

  it('writes exact small contents: empty, no newline added, text with quotes and unicode', async () => {
    for (const content of ['', 'no newline', 'it\'s "quoted" ✓\n\n', '\0binary\xff'.repeat(3)]) {
      const path = join(directory, 'small.txt');
      await writeFile(server.launcher, path, content);
      expect((await readLocalFile(path)).equals(Buffer.from(content, 'utf8'))).toBe(true);
      expect(Buffer.from(await readFile(server.launcher, path)).equals(Buffer.from(content, 'utf8'))).toBe(true);
    }
  });

  it('streams a Readable of unknown length to a temp file, then verifies it', async () => {
    const pieces = Array.from({ length: 40 }, (_, index) => randomBytes(100_000 + index * 777));
    const path = join(directory, 'streamed.bin');
    const result = await writeFile(server.launcher, path, Readable.from(pieces));
    const expected = Buffer.concat(pieces);
    expect(result.bytes).toBe(expected.length);
    expect((await readLocalFile(path)).equals(expected)).toBe(true);
  });

  it("applies the mode (read-only too), else keeps the replaced file's mode", async () => {
    const path = join(directory, 'modes', 'ro.txt');
    await writeFile(server.launcher, path, 'first', { mode: 0o444 });
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    await writeFile(server.launcher, path, 'second');
    expect(await readLocalFile(path, 'utf8')).toBe('second');
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    await writeFile(server.launcher, path, 'third', { mode: '640' });
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it('keeps the previous file and removes the temp file when a write fails', async () => {
    const path = join(directory, 'keep', 'precious.txt');
    await writeFile(server.launcher, path, 'original');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield randomBytes(3 * 1024 * 1024);
      throw new Error('source broke');
    }
    await expect(writeFile(server.launcher, path, failing())).rejects.toThrow('source broke');
    await expect(writeFile(server.launcher, path, 'four', { size: 5 })).rejects.toMatchObject({ field: 'size' });
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield randomBytes(2 * 1024 * 1024);
      controller.abort();
      yield randomBytes(2 * 1024 * 1024);
    }
    await expect(writeFile(server.launcher, path, slow(), { signal: controller.signal })).rejects.toBeInstanceOf(ExecAbortError);
    expect(await readLocalFile(path, 'utf8')).toBe('original');
    // The sandbox side removes its temp file before it exits; wait for the commands to end.
    const deadline = Date.now() + 10_000;
    while (server.running > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(await readdir(join(directory, 'keep'))).toEqual(['precious.txt']);
  });

  it('streams a read with verification at the end', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 3);
    const path = join(directory, 'read-stream.bin');
    await writeLocalFile(path, data);
    const pieces: Uint8Array[] = [];
    for await (const piece of readFileStream(server.launcher, path)) pieces.push(piece);
    expect(Buffer.concat(pieces).equals(data)).toBe(true);
  });

  it('reads through base64 and reports missing files', async () => {
    const data = randomBytes(100_000);
    const path = join(directory, 'b64.bin');
    await writeLocalFile(path, data);
    expect(Buffer.from(await readFile(server.launcher, path, { encoding: 'base64' })).equals(data)).toBe(true);
    await expect(readFile(server.launcher, join(directory, 'missing'))).rejects.toThrow(/not a readable file/);
  });

  it('falls back to base64 when the raw transfer arrives corrupted (through an injected WebSocket)', async () => {
    const data = randomBytes(200_000);
    const path = join(directory, 'corrupt.bin');
    await writeLocalFile(path, data);
    let corrupted = 0;
    // Flips one byte of the first large stdout frame, as a broken proxy might.
    class CorruptingWebSocket extends WebSocket {
      override emit(event: string | symbol, ...args: unknown[]): boolean {
        const [message, isBinary] = args as [Buffer, boolean];
        if (event === 'message' && isBinary && corrupted === 0 && message[0] === 1 && message.length > 1000) {
          corrupted += 1;
          const copy = Buffer.from(message);
          copy[500] = (copy[500] as number) ^ 0xff;
          return super.emit(event, copy, isBinary);
        }
        return super.emit(event, ...args);
      }
    }
    const calls = server.launcherCalls;
    const back = await readFile(server.launcher, path, { WebSocket: CorruptingWebSocket });
    expect(corrupted).toBe(1);
    expect(Buffer.from(back).equals(data)).toBe(true);
    expect(server.launcherCalls - calls).toBe(2);
  });

  it('hashes with sha256sum in the sandbox when openssl is missing or prints something else', async () => {
    const data = randomBytes(300_000);
    for (const [name, body] of [
      ['odd', 'echo "SHA2-256(stdin)= not-a-digest"'],
      ['missing', 'exit 127'],
    ] as const) {
      // A fake openssl first on PATH, which leaves a trace when it runs.
      const bin = join(directory, `bin-${name}`);
      const trace = join(directory, `trace-${name}`);
      await mkdir(bin, { recursive: true });
      await writeLocalFile(join(bin, 'openssl'), `#!/bin/sh\necho run >> '${trace}'\n${body}\n`, { mode: 0o755 });
      const launcher: ExecLauncher = (argv, options) =>
        server.launcher(['env', `PATH=${bin}:${process.env.PATH ?? ''}`, ...argv], options);
      const path = join(directory, `fallback-${name}.bin`);
      expect(await writeFile(launcher, path, data)).toEqual({ path, bytes: data.length, sha256: sha256(data) });
      expect(Buffer.from(await readFile(launcher, path)).equals(data)).toBe(true);
      expect((await readLocalFile(trace, 'utf8')).split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('rejects bad paths and options before anything is sent', async () => {
    const calls = server.launcherCalls;
    await expect(writeFile(server.launcher, 'a\0b', 'x')).rejects.toMatchObject({ field: 'path' });
    await expect(writeFile(server.launcher, '', 'x')).rejects.toBeInstanceOf(ExecValidationError);
    await expect(writeFile(server.launcher, '/tmp/x', 'x', { mode: 'rwx' })).rejects.toMatchObject({ field: 'mode' });
    await expect(readFile(server.launcher, '/tmp/x', { timeoutMs: -5 })).rejects.toMatchObject({ field: 'timeoutMs' });
    expect(server.launcherCalls).toBe(calls);
  });
});
