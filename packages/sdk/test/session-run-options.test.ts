import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { closeTestBed, startTestBedWithSandbox } from './helpers.js';

describe('SandboxSession.run with cwd and env', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    ({ bed, sandbox } = await startTestBedWithSandbox());
    expect((await sandbox.bash("mkdir -p '/tmp/a dir/it'\"'\"'s'")).exitCode).toBe(0);
  });
  afterAll(() => closeTestBed(bed, sandbox));

  it('apply to one command only, quoted safely, in the same exec', async () => {
    const session = sandbox.openSession();
    try {
      bed.emulator.resetCalls();
      expect((await session.run('cd /tmp && export KEPT=session')).exitCode).toBe(0);
      const tricky = `it's "$HOME" $(echo no) \`echo no\`; echo injected\nline2`;
      const scoped = await session.run('pwd; printf "%s|%s|%s" "$VALUE" "$KEPT" "$OTHER"; cd /; export LEAK=1', {
        cwd: "/tmp/a dir/it's",
        env: { VALUE: tricky, OTHER: '' },
      });
      expect(scoped.errorMessage).toBe('');
      expect(scoped.exitCode).toBe(0);
      expect(scoped.stdout).toBe(`/tmp/a dir/it's\n${tricky}|session|`);
      // Neither the options nor the command's own cd/export leak into the session.
      const after = await session.run('pwd; echo "${VALUE-unset} ${LEAK-unset} $KEPT"');
      expect(after.stdout).toBe('/tmp\nunset unset session\n');
      expect(await session.launcherCalls()).toBe(1);
      expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('a missing cwd fails the command (non-zero exit, the command does not run); bad env names are refused', async () => {
    const session = sandbox.openSession();
    try {
      const missing = await session.run('echo should-not-run', { cwd: '/does/not/exist' });
      expect(missing.success).toBe(true);
      expect(missing.exitCode).not.toBe(0);
      expect(missing.stdout).not.toContain('should-not-run');
      const exitCode = await session.run('exit 7', { env: { A: '1' } });
      expect(exitCode.exitCode).toBe(7);
      const bad = await session.run('echo hi', { env: { 'BAD-NAME': 'x' } });
      expect(bad.success).toBe(false);
      expect(bad.errorMessage).toContain('BAD-NAME');
      const stillThere = await session.run('echo alive');
      expect(stillThere.stdout).toBe('alive\n');
    } finally {
      await session.close();
    }
  });
});
