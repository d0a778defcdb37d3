import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecTimeoutError, ShellSession, StreamTruncatedError } from '../src/index.js';
import { startExecServer } from './support/exec-server.js';
import type { ExecServer } from './support/exec-server.js';

let server: ExecServer;
beforeAll(async () => {
  server = await startExecServer();
});
afterAll(async () => {
  await server.close();
  await rm('/tmp/eci-session-test', { recursive: true, force: true });
});

describe('ShellSession over a real WebSocket', () => {
  it('runs 200 commands over one stream, keeping cwd and exported variables', async () => {
    const before = server.launcherCalls;
    const session = await ShellSession.open(server.launcher, { execDir: '/tmp', env: { START: 'yes' } });
    try {
      const first = await session.run('mkdir -p eci-session-test && cd eci-session-test && export COUNT=0; pwd; echo "$START"');
      expect(first).toMatchObject({ exitCode: 0, stdout: '/tmp/eci-session-test\nyes\n', sessionReset: false });
      for (let index = 1; index <= 200; index += 1) {
        const result = await session.run(
          `export COUNT=$((COUNT + 1)); echo "$COUNT $(basename "$PWD")"; echo e$COUNT >&2; exit $((COUNT % 4))`,
        );
        expect(result.stdout).toBe(`${index} eci-session-test\n`);
        expect(result.stderr).toBe(`e${index}\n`);
        expect(result.exitCode).toBe(index % 4);
      }
      expect(server.launcherCalls - before).toBe(1);
      expect(session.launcherCalls).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('survives hostile command text and queues concurrent calls', async () => {
    const session = await ShellSession.open(server.launcher);
    try {
      const results = await Promise.all([
        session.run(`echo "unbalanced`),
        session.run(`cat <<'EOF'\nheredoc 'quoted' "text" $HOME\nEOF`),
        session.run('cat; read line; echo "read=[$line]"'),
        session.run('set -e; false; echo not reached'),
        session.run('exec >/dev/null; echo hidden'),
        session.run(`printf '\\n__ECI_S_0000000000000000_0\\n'; echo after-fake`),
        session.run('printf "no newline at end"'),
        session.run('echo still alive; exit 3'),
      ]);
      expect(results[0]?.exitCode).not.toBe(0);
      expect(results[1]).toMatchObject({ exitCode: 0, stdout: `heredoc 'quoted' "text" $HOME\n` });
      expect(results[2]).toMatchObject({ exitCode: 0, stdout: 'read=[]\n' });
      expect(results[3]?.exitCode).toBe(1);
      expect(results[3]?.stdout).toBe('');
      expect(results[4]).toMatchObject({ exitCode: 0, stdout: '' });
      expect(results[5]?.stdout).toBe('\n__ECI_S_0000000000000000_0\nafter-fake\n');
      expect(results[6]?.stdout).toBe('no newline at end');
      expect(results[7]).toMatchObject({ exitCode: 3, stdout: 'still alive\n', sessionReset: false });
      expect(session.launcherCalls).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('resets after a timeout: the command fails, the next one says sessionReset and opens a new stream', async () => {
    const session = await ShellSession.open(server.launcher, { execDir: '/tmp' });
    try {
      await session.run('cd / && export MARK=set');
      const timedOut = await session.run('sleep 30', { timeoutMs: 300 }).catch((caught: unknown) => caught);
      expect(timedOut).toBeInstanceOf(ExecTimeoutError);
      const next = await session.run('pwd; echo "${MARK:-unset}"');
      expect(next).toMatchObject({ exitCode: 0, sessionReset: true, stdout: '/tmp\nunset\n' });
      expect(session.launcherCalls).toBe(2);
      expect(session.resets).toBe(1);
      const after = await session.run('echo ok');
      expect(after.sessionReset).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('fails to open, once, when the session cannot start', async () => {
    const before = server.launcherCalls;
    await expect(ShellSession.open(server.launcher, { execDir: '/nonexistent/dir' })).rejects.toThrow(
      /could not start.*nonexistent/s,
    );
    expect(server.launcherCalls - before).toBe(1);
  });

  it('reports a dropped stream as StreamTruncatedError and resets for the next command', async () => {
    const session = await ShellSession.open(server.launcher);
    try {
      // Drop the connection as soon as the command has printed something.
      const error = await session
        .run('echo begin; sleep 30', { onStdout: () => server.dropAll() })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StreamTruncatedError);
      expect((error as StreamTruncatedError).stdout).toBe('begin\n');
      const next = await session.run('echo back');
      expect(next).toMatchObject({ stdout: 'back\n', sessionReset: true });
      expect(session.launcherCalls).toBe(2);
    } finally {
      await session.close();
    }
  });
});
