import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_PATH,
  WORK_DIR,
  parseJson,
  removeWorkDir,
  runCli,
  startTestEmulator,
  tmuxAvailable,
  type TestEmulator,
} from './helpers.js';

describe('working inside a sandbox', () => {
  let emulator: TestEmulator;
  let sandboxId = '';

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const run = await runCli(['create', '--name', 'cli-work', '--wait', '--json'], { env: emulator.env });
    sandboxId = parseJson<{ sandboxId: string }>(run).sandboxId;
  });

  afterAll(async () => {
    if (sandboxId) await runCli(['delete', '--force', sandboxId], { env: emulator.env });
    await emulator?.close();
    removeWorkDir();
  });

  it('bash: stdout and stderr go to the right streams, the exit code becomes the CLI exit code', async () => {
    const run = await runCli(['bash', sandboxId, 'echo out-line; echo err-line >&2; exit 7'], { env: emulator.env });
    expect(run.exitCode).toBe(7);
    expect(run.stdout).toBe('out-line\n');
    expect(run.stderr).toBe('err-line\n');
  });

  it('bash --cwd and --json give the documented shape', async () => {
    const run = await runCli(['bash', sandboxId, '--cwd', '/tmp', 'pwd', '--json'], { env: emulator.env });
    expect(run.exitCode).toBe(0);
    const body = parseJson<{
      exitCode: number;
      stdout: string;
      stderr: string;
      truncated: boolean;
      durationMs: number;
      requestId: string;
    }>(run);
    expect(body).toMatchObject({ exitCode: 0, stdout: '/tmp\n', stderr: '', truncated: false });
    expect(typeof body.durationMs).toBe('number');
  });

  it('bash: Ctrl-C (SIGINT) cancels the remote command and exits 130', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'bash', sandboxId, 'echo started; sleep 30; echo finished'], {
      env: emulator.env,
      cwd: WORK_DIR,
    });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('started')) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).not.toContain('finished');
  });

  it('exec runs an argv without a shell and keeps its exit code', async () => {
    const run = await runCli(['exec', sandboxId, '--', 'sh', '-c', 'printf "%s|" "$0" "$@"; exit 4', 'a b', 'c'], {
      env: emulator.env,
    });
    expect(run.exitCode).toBe(4);
    expect(run.stdout).toBe('a b|c|');
  });

  it('write from stdin and read to stdout are binary-safe', async () => {
    const content = randomBytes(200_000);
    const write = await runCli(['write', sandboxId, '/tmp/cli-binary.bin'], { env: emulator.env, input: content });
    expect(write.exitCode, write.stderr).toBe(0);
    const read = await runCli(['read', sandboxId, '/tmp/cli-binary.bin'], { env: emulator.env });
    expect(read.exitCode, read.stderr).toBe(0);
    expect(read.stdoutBytes.equals(content)).toBe(true);
  });

  it('write --from a file, read -o a file, and their --json shapes', async () => {
    const content = randomBytes(4096);
    const source = join(WORK_DIR, 'source.bin');
    const target = join(WORK_DIR, 'target.bin');
    writeFileSync(source, content);
    const write = parseJson<{ path: string; bytesWritten: number }>(
      await runCli(['write', sandboxId, '/tmp/cli-file.bin', '--from', source, '--json'], { env: emulator.env }),
    );
    expect(write).toMatchObject({ path: '/tmp/cli-file.bin', bytesWritten: 4096 });
    const read = parseJson<{ output: string; bytes: number }>(
      await runCli(['read', sandboxId, '/tmp/cli-file.bin', '-o', target, '--json'], { env: emulator.env }),
    );
    expect(read).toMatchObject({ output: target, bytes: 4096 });
    expect(readFileSync(target).equals(content)).toBe(true);
    const inline = parseJson<{ contentBase64: string }>(
      await runCli(['read', sandboxId, '/tmp/cli-file.bin', '--json'], { env: emulator.env }),
    );
    expect(Buffer.from(inline.contentBase64, 'base64').equals(content)).toBe(true);
  });

  it('reading a missing file is an error (exit 1); a relative path is a usage error (exit 2)', async () => {
    const missing = await runCli(['read', sandboxId, '/tmp/no-such-file'], { env: emulator.env });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^error: /);
    const relative = await runCli(['read', sandboxId, 'relative.txt'], { env: emulator.env });
    expect(relative.exitCode).toBe(2);
    expect(relative.stderr).toContain('<path> must be absolute');
  });

  describe.skipIf(!tmuxAvailable())('tmux jobs (needs tmux)', () => {
    it('start, ls, poll, wait with live output and the job exit code, kill', async () => {
      const start = await runCli(['tmux', 'start', sandboxId, 'echo first; sleep 0.5; echo second; exit 3'], {
        env: emulator.env,
      });
      expect(start.exitCode, start.stderr).toBe(0);
      const sessionId = start.stdout.trim();
      expect(sessionId).not.toBe('');

      const list = parseJson<{ sessions: Array<{ sessionId: string }> }>(
        await runCli(['tmux', 'ls', sandboxId, '--json'], { env: emulator.env }),
      );
      expect(list.sessions.map((session) => session.sessionId)).toContain(sessionId);

      const poll = parseJson<{ sessionId: string; status: string }>(
        await runCli(['tmux', 'poll', sandboxId, sessionId, '--json'], { env: emulator.env }),
      );
      expect(poll.sessionId).toBe(sessionId);
      expect(['RUNNING', 'COMPLETED']).toContain(poll.status);

      const wait = await runCli(['tmux', 'wait', sandboxId, sessionId, '--timeout', '30s'], { env: emulator.env });
      expect(wait.exitCode).toBe(3);
      expect(wait.stdout).toContain('second');
      expect(wait.stderr).toContain('COMPLETED');

      const long = (
        await runCli(['tmux', 'start', sandboxId, 'sleep 60', '--session', 'cli-long'], { env: emulator.env })
      ).stdout.trim();
      expect(long).toBe('cli-long');
      const timedOut = await runCli(['tmux', 'wait', sandboxId, long, '--timeout', '1s', '--json'], { env: emulator.env });
      expect(timedOut.exitCode).toBe(124);
      expect(parseJson<{ status: string }>(timedOut).status).toBe('RUNNING');
      const kill = await runCli(['tmux', 'kill', sandboxId, long], { env: emulator.env });
      expect(kill.exitCode, kill.stderr).toBe(0);
    });
  });
});
