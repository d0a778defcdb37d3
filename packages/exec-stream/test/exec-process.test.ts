import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecAbortError,
  ExecConnectionError,
  ExecServerError,
  ExecTimeoutError,
  ExecValidationError,
  StreamTruncatedError,
  encodeArgvCommand,
  openExec,
  runArgv,
  runScript,
} from '../src/index.js';
import type { ExecLauncher } from '../src/index.js';
import { startExecServer } from './support/exec-server.js';
import type { ExecServer } from './support/exec-server.js';

let server: ExecServer;
beforeAll(async () => {
  server = await startExecServer();
});
afterAll(async () => {
  await server.close();
});

describe('openExec over a real WebSocket', () => {
  it('keeps stdout and stderr apart and reads exit codes 0, 1 and 137 from the marker', async () => {
    for (const [script, expected] of [
      ['echo out; echo err >&2', 0],
      ['echo out; echo err >&2; exit 1', 1],
      ['echo out; echo err >&2; kill -9 $$', 137],
    ] as const) {
      const result = await runScript(server.launcher, script);
      expect(result.exitCode).toBe(expected);
      expect(result.stdout).toBe('out\n');
      // A SIGKILLed child also gets the outer shell's "Killed" note on stderr.
      expect(result.stderr.startsWith('err\n')).toBe(true);
      expect(result.truncated).toBe(false);
    }
  });

  it('reads the exit code from a v4 status and from v5 (which also closes stdin)', async () => {
    const url = server.register({ argv: ['/bin/sh', '-c', 'echo hi; exit 3'], stdin: false, tty: false });
    const process = openExec(url, { protocol: 'v4' });
    const result = await process.wait();
    expect(process.protocol).toBe('v4.channel.k8s.io');
    expect(result).toMatchObject({ exitCode: 3, stdout: 'hi\n' });

    const catUrl = server.register({ argv: ['cat'], stdin: true, tty: false });
    const cat = openExec(catUrl, { protocol: 'v5' });
    await cat.write('to cat and back');
    expect(await cat.closeStdin()).toBe(true);
    expect(await cat.wait()).toMatchObject({ exitCode: 0, stdout: 'to cat and back' });
  });

  it('takes a non-zero exit from the plain-text status when there is neither marker nor subprotocol', async () => {
    const url = server.register({ argv: ['/bin/sh', '-c', 'exit 4'], stdin: false, tty: false });
    expect((await openExec(url).wait()).exitCode).toBe(4);
    const zero = server.register({ argv: ['true'], stdin: false, tty: false });
    expect((await openExec(zero).wait()).exitCode).toBeNull();
  });

  it('ignores the server text after a marker and reports channel-3 text alone as ExecServerError', async () => {
    const result = await runArgv(server.launcher, ['/bin/sh', '-c', 'printf abc; exit 5']);
    expect(result).toMatchObject({ exitCode: 5, stdout: 'abc' });
    const url = server.register({ argv: ['/nonexistent/command'], stdin: false, tty: false });
    const error = await openExec(url, { marker: '__ECI_EXIT_0123456789__' })
      .wait()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecServerError);
  });

  it('reports the exit status of a command that ends without reading the stdin it was sent', async () => {
    // 32 MiB cannot all be buffered before the command exits: the writes fail, the status wins.
    const result = await runScript(server.launcher, 'echo done early; exit 3', { stdin: Buffer.alloc(32 * 1024 * 1024, 120) });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'done early\n' });
  });

  it('writes stdin, which a length-delimited read consumes', async () => {
    const result = await runScript(server.launcher, 'head -c 5 | tr a-z A-Z; echo; head -c 3', { stdin: 'hello123' });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'HELLO\n123' });
  });

  it('decodes UTF-8 characters split across frames', async () => {
    // Each byte of "héllo wörld ✓" arrives in its own frame.
    const script = `printf 'h\\303'; sleep 0.05; printf '\\251llo w\\303'; sleep 0.05; printf '\\266rld \\342\\234'; sleep 0.05; printf '\\223'`;
    const pieces: string[] = [];
    const result = await runScript(server.launcher, script, { onStdout: (text) => pieces.push(text) });
    expect(pieces.join('')).toBe('héllo wörld ✓');
    expect(pieces.join('')).not.toContain('\ufffd');
    expect(result.stdout).toBe('héllo wörld ✓');
  });

  it('runs a command on a terminal, strips the \\r\\n marker and sends resizes', async () => {
    const encoded = encodeArgvCommand(['/bin/sh', '-c', '[ -t 1 ] && echo on-a-tty; exit 3']);
    if (!encoded.fits) throw new Error(encoded.reason);
    const registration = { argv: encoded.argv, stdin: true, tty: true };
    const process = openExec(server.register(registration), { marker: encoded.marker, tty: true });
    await process.resize(120, 40);
    const result = await process.wait();
    expect(result).toMatchObject({ exitCode: 3, stdout: 'on-a-tty\r\n' });
    expect(registration).toMatchObject({ resizes: [{ Width: 120, Height: 40 }] });
    await expect(openExec(server.register(registration)).resize(0, 10)).rejects.toMatchObject({ field: 'cols' });
  });

  it('iterates output events asynchronously', async () => {
    const encoded = encodeArgvCommand(['/bin/sh', '-c', 'echo one; echo two >&2; echo three']);
    if (!encoded.fits) throw new Error(encoded.reason);
    const process = openExec(await server.launcher(encoded.argv, { stdin: false, tty: false }), { marker: encoded.marker });
    const seen = { stdout: '', stderr: '' };
    for await (const event of process) seen[event.type] += event.text;
    expect(seen).toEqual({ stdout: 'one\nthree\n', stderr: 'two\n' });
    expect((await process.wait()).exitCode).toBe(0);
  });

  it('iterates bytes only with decodeText: false, text callbacks unchanged', async () => {
    const encoded = encodeArgvCommand(['/bin/sh', '-c', "printf 'caf\\303\\251 \\377'; printf 'e\\342\\202\\254' >&2"]);
    if (!encoded.fits) throw new Error(encoded.reason);
    let callbackText = '';
    const process = openExec(await server.launcher(encoded.argv, { stdin: false, tty: false }), {
      marker: encoded.marker,
      decodeText: false,
      onStdout: (text) => {
        callbackText += text;
      },
    });
    const bytes = { stdout: [] as Uint8Array[], stderr: [] as Uint8Array[] };
    const texts: string[] = [];
    for await (const event of process) {
      bytes[event.type].push(event.bytes);
      texts.push(event.text);
    }
    expect(texts.every((text) => text === '')).toBe(true);
    expect(Buffer.concat(bytes.stdout).equals(Buffer.from([0x63, 0x61, 0x66, 0xc3, 0xa9, 0x20, 0xff]))).toBe(true);
    expect(Buffer.concat(bytes.stderr).toString('utf8')).toBe('e€');
    expect(callbackText).toBe('café \ufffd');
    expect((await process.wait()).exitCode).toBe(0);
  });

  it('streams 100 MiB of stdout with bounded memory', async () => {
    const total = 100 * 1024 * 1024;
    let seen = 0;
    let peakArrayBuffers = 0;
    const result = await runScript(server.launcher, `head -c ${total} /dev/zero`, {
      maxOutputBytes: 1024 * 1024,
      timeoutMs: 120_000,
      onStdout: (text) => {
        seen += text.length;
        peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
      },
    });
    expect(result.exitCode).toBe(0);
    expect(seen).toBe(total);
    expect(result.truncated).toBe(true);
    expect(result.stdoutBytes.length).toBe(1024 * 1024);
    // Not all of it was ever held at once.
    expect(peakArrayBuffers).toBeLessThan(total);
  });

  it('fails with StreamTruncatedError, carrying the output, when the stream is cut', async () => {
    server.cutNextStream(3000);
    const error = await runScript(server.launcher, 'for i in $(seq 1 2000); do echo line $i; done; echo err >&2')
      .catch((caught: unknown) => caught)
      .finally(() => server.dropAll());
    expect(error).toBeInstanceOf(StreamTruncatedError);
    const truncated = error as StreamTruncatedError;
    expect(truncated.stdout.length).toBeGreaterThan(0);
    expect(truncated.stdout.length).toBeLessThanOrEqual(3000);
    expect(truncated.stdout.startsWith('line 1\nline 2\n')).toBe(true);
    expect(truncated.retryable).toBe(true);
  });

  it('fails with StreamTruncatedError when a clean close comes without the marker', async () => {
    const url = server.register({ argv: ['/bin/sh', '-c', 'echo partial'], stdin: false, tty: false });
    const error = await openExec(url, { marker: '__ECI_EXIT_feedfacefeedface__' })
      .wait()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect((error as StreamTruncatedError).stdout).toBe('partial\n');
  });

  it('times out and aborts, closing the socket and ending the command', async () => {
    const timeout = await runScript(server.launcher, 'echo before; sleep 30', { timeoutMs: 300 }).catch(
      (caught: unknown) => caught,
    );
    expect(timeout).toBeInstanceOf(ExecTimeoutError);
    expect((timeout as ExecTimeoutError).stdout).toBe('before\n');
    const controller = new AbortController();
    const pending = runScript(server.launcher, 'echo started; sleep 30', {
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    const aborted = await pending.catch((caught: unknown) => caught);
    expect(aborted).toBeInstanceOf(ExecAbortError);
    expect((aborted as ExecAbortError).retryable).toBe(false);
    const deadline = Date.now() + 10_000;
    while (server.running > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(server.running).toBe(0);
  });

  it('kill() ends the stream with ExecAbortError', async () => {
    const url = server.register({ argv: ['sleep', '30'], stdin: false, tty: false });
    const process = openExec(url, { marker: '__ECI_EXIT_0123456789__' });
    await process.ready();
    process.kill();
    await expect(process.wait()).rejects.toBeInstanceOf(ExecAbortError);
  });

  it('rejects a used URL as a connection error that does not show the token', async () => {
    const url = server.register({ argv: ['true'], stdin: false, tty: false });
    await openExec(url).wait();
    const error = (await openExec(url)
      .wait()
      .catch((caught: unknown) => caught)) as ExecConnectionError;
    expect(error).toBeInstanceOf(ExecConnectionError);
    expect(error.httpStatus).toBe(403);
    const token = new URL(url).searchParams.get('s') as string;
    expect(error.message).not.toContain(token);
    expect(error.message).toContain('s=***');
  });

  it('rejects bad input before anything is sent', async () => {
    const calls = server.launcherCalls;
    await expect(runArgv(server.launcher, [])).rejects.toBeInstanceOf(ExecValidationError);
    await expect(runArgv(server.launcher, ['cat', 'a\0b'])).rejects.toMatchObject({ field: 'argv[1]' });
    await expect(runScript(server.launcher, 'true', { timeoutMs: -1 })).rejects.toMatchObject({ field: 'timeoutMs' });
    await expect(runScript(server.launcher, 'true', { env: { 'BAD-NAME': 'x' } })).rejects.toBeInstanceOf(ExecValidationError);
    expect(() => openExec('http://127.0.0.1:1/exec/?s=secret-token')).toThrow(ExecValidationError);
    expect(() => openExec('not a url ?s=secret-token')).toThrow(/s=\*\*\*/);
    expect(server.launcherCalls).toBe(calls);
    const launcher: ExecLauncher = async () => {
      throw new Error('must not be called');
    };
    await expect(runScript(launcher, 'x\0y')).rejects.toMatchObject({ field: 'script' });
  });

  it('runs long scripts over stdin and long argvs through the stdin fallback', async () => {
    // Random text does not compress, so it cannot fit inline.
    const noise = randomBytes(3000).toString('hex');
    const script = `: ${noise}\necho done; exit 7`;
    const result = await runScript(server.launcher, script, { execDir: '/tmp', env: { GREETING: 'it\'s "quoted"' } });
    expect(result.transport).toBe('stdin');
    expect(result).toMatchObject({ exitCode: 7, stdout: 'done\n' });
    const words = Array.from({ length: 40 }, (_, index) => `word-${index}-${'x'.repeat(30)}`);
    const argvResult = await runArgv(server.launcher, ['printf', '%s\n', ...words], { execDir: '/tmp' });
    expect(argvResult.transport).toBe('stdin');
    expect(argvResult.stdout).toBe(words.map((word) => `${word}\n`).join(''));
    const env = await runScript(server.launcher, 'printf %s "$GREETING"; pwd', {
      execDir: '/tmp',
      env: { GREETING: 'it\'s "quoted"\n$HOME' },
    });
    expect(env.stdout).toBe(`it's "quoted"\n$HOME/tmp\n`);
  });
});
