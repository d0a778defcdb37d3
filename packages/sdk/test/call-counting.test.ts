import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { closeTestBed, startTestBedWithSandbox } from './helpers.js';

// The cost model: API calls per operation, counted from the emulator's call log.
describe('API calls per operation', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    ({ bed, sandbox } = await startTestBedWithSandbox());
  });
  afterAll(() => closeTestBed(bed, sandbox));

  it('bash on a Sandbox from create: 1 exec, 0 describes', async () => {
    bed.emulator.resetCalls();
    const result = await sandbox.bash('echo one');
    expect(result.stdout).toBe('one\n');
    expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
    expect(bed.emulator.calls.count('DescribeContainerGroups')).toBe(0);
    expect(bed.emulator.calls.length).toBe(1);
  });

  it('bash by id twice on a fresh client: 1 describe in total, 1 exec each', async () => {
    const client = bed.newClient();
    bed.emulator.resetCalls();
    const first = await client.bash(sandbox.id, 'echo first');
    const second = await client.bash(sandbox.id, 'echo second');
    expect([first.stdout, second.stdout]).toEqual(['first\n', 'second\n']);
    expect(bed.emulator.calls.count('DescribeContainerGroups')).toBe(1);
    expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(2);
  });

  it('a Sandbox from get knows its container: bash costs 1 exec', async () => {
    const client = bed.newClient();
    const got = await client.get(sandbox.id);
    expect(got.success).toBe(true);
    bed.emulator.resetCalls();
    const result = await got.sandbox!.bash('echo got');
    expect(result.stdout).toBe('got\n');
    expect(bed.emulator.calls.count('DescribeContainerGroups')).toBe(0);
    expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
  });

  it('100 commands through openSession(): 1 exec, with cd and exports kept', async () => {
    bed.emulator.resetCalls();
    const session = sandbox.openSession();
    try {
      const first = await session.run('cd /tmp && export COUNTER_BASE=1000');
      expect(first.exitCode).toBe(0);
      for (let index = 1; index < 99; index += 1) {
        const result = await session.run(`echo $((COUNTER_BASE + ${index})) $(pwd)`);
        expect(result.stdout).toBe(`${1000 + index} /tmp\n`);
      }
      const last = await session.run('echo to-stderr >&2; exit 7');
      expect(last.success).toBe(true);
      expect(last.exitCode).toBe(7);
      expect(last.stderr).toBe('to-stderr\n');
      expect(await session.launcherCalls()).toBe(1);
      expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
      expect(bed.emulator.calls.length).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('an aborted signal also stops the container-name lookup of a call by id: nothing is sent', async () => {
    const fresh = bed.newClient();
    bed.emulator.resetCalls();
    const controller = new AbortController();
    controller.abort();
    const result = await fresh.bash(sandbox.id, 'echo never', { signal: controller.signal });
    expect(result.success).toBe(false);
    expect(result.error?.name).toMatch(/Abort/);
    expect(bed.emulator.calls.length).toBe(0);
  });

  it('create with waitUntilRunning costs one create and status polls, no describe', async () => {
    bed.emulator.resetCalls();
    const waited = await bed.client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
    try {
      expect(waited.errorMessage).toBe('');
      expect(waited.info).toBeUndefined();
      expect(bed.emulator.calls.count('CreateContainerGroup')).toBe(1);
      const polls = bed.emulator.calls.count('DescribeContainerGroupStatus');
      expect(polls).toBeGreaterThanOrEqual(1);
      expect(bed.emulator.calls.length).toBe(1 + polls);
    } finally {
      await waited.sandbox?.delete({ force: true });
    }
  });

  it('create with describeWhenRunning returns info from one DescribeContainerGroups; without waiting, no describe at all', async () => {
    bed.emulator.resetCalls();
    const waited = await bed.client.create({
      image: 'ubuntu:24.04',
      name: 'counted-wait',
      tags: { purpose: 'count' },
      waitUntilRunning: true,
      describeWhenRunning: true,
    });
    try {
      expect(waited.errorMessage).toBe('');
      expect(waited.info).toMatchObject({
        sandboxId: waited.sandboxId,
        name: 'counted-wait',
        status: 'Running',
        containerNames: ['sandbox'],
        tags: { purpose: 'count' },
      });
      expect(bed.emulator.calls.count('CreateContainerGroup')).toBe(1);
      expect(bed.emulator.calls.count('DescribeContainerGroups')).toBe(1);
      const polls = bed.emulator.calls.count('DescribeContainerGroupStatus');
      expect(polls).toBeGreaterThanOrEqual(1);
      expect(bed.emulator.calls.length).toBe(2 + polls);
    } finally {
      await waited.sandbox?.delete({ force: true });
    }

    bed.emulator.resetCalls();
    const quick = await bed.client.create({ image: 'ubuntu:24.04' });
    try {
      expect(quick.errorMessage).toBe('');
      expect(quick.info).toBeUndefined();
      expect(bed.emulator.calls.length).toBe(1);
      expect(bed.emulator.calls.count('CreateContainerGroup')).toBe(1);
    } finally {
      await quick.sandbox?.delete({ force: true });
    }
  });
});
