import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { detectRunc } from '../src/runtime/runc.js';
import { EciModule, REGION, officialClient, runExecStream, startTestEmulator, waitFor } from './helpers.js';

// End to end: the official ECI client against an emulator whose sandboxes are runc containers.
// Skipped without root and runc, unless ECI_SANDBOX_REQUIRE_RUNC=1 (then it fails).
const detection = await detectRunc();
const required = process.env.ECI_SANDBOX_REQUIRE_RUNC === '1';

if (!detection.usable && required) {
  describe('emulator with runc (required by ECI_SANDBOX_REQUIRE_RUNC=1)', () => {
    it('can use runc on this machine', () => {
      throw new Error(`runc runtime is not usable: ${detection.reason}`);
    });
  });
}

describe.skipIf(!detection.usable)(
  `emulator with runtime 'runc'${detection.usable ? '' : ` (skipped: ${detection.reason})`}`,
  () => {
    let emulator: Emulator;
    let client: ReturnType<typeof officialClient>;

    beforeAll(async () => {
      emulator = await startTestEmulator({ runtime: 'runc' });
      client = officialClient(emulator);
    });

    afterAll(async () => {
      await emulator?.close();
    });

    const syncExec = async (id: string, command: string[]): Promise<string> => {
      const response = await client.execContainerCommand(
        new EciModule.ExecContainerCommandRequest({
          regionId: REGION,
          containerGroupId: id,
          containerName: 'main',
          command: JSON.stringify(command),
          sync: true,
          stdin: false,
        }),
      );
      return response.body?.syncResponse ?? '';
    };

    const waitRunning = (id: string, restartCount = 0) =>
      waitFor(
        async () => {
          const described = await client.describeContainerGroups(
            new EciModule.DescribeContainerGroupsRequest({ regionId: REGION, containerGroupIds: JSON.stringify([id]) }),
          );
          const found = described.body?.containerGroups?.[0];
          return found?.status === 'Running' && (found.containers?.[0]?.restartCount ?? 0) >= restartCount ? found : undefined;
        },
        30_000,
        'Running',
      );

    it('runs a container group as an isolated container: create → exec → restart → delete', async () => {
      expect(emulator.runtime.name).toBe('runc');
      expect(emulator.runtime.isolated).toBe(true);
      const created = await client.createContainerGroup(
        new EciModule.CreateContainerGroupRequest({
          regionId: REGION,
          containerGroupName: 'runc-e2e',
          container: [
            new EciModule.CreateContainerGroupRequestContainer({ name: 'main', image: 'ubuntu:24.04', cpu: 1, memory: 1 }),
          ],
        }),
      );
      const id = created.body?.containerGroupId as string;
      await waitRunning(id);

      expect(await syncExec(id, ['hostname'])).toBe('runc-e2e\n');
      const processes = (await syncExec(id, ['ps', '-e', '-o', 'pid=,comm=']))
        .trim()
        .split('\n')
        .map((line) => line.trim());
      expect(processes[0]).toMatch(/^1 /);
      expect(processes.length).toBeLessThanOrEqual(3);

      const marker = `eci-runc-e2e-${process.pid}`;
      await syncExec(id, ['sh', '-c', `echo kept > /root/${marker}; echo private > /tmp/${marker}`]);
      expect(existsSync(`/root/${marker}`)).toBe(false);
      expect(existsSync(`/tmp/${marker}`)).toBe(false);

      const terminal = await client.execContainerCommand(
        new EciModule.ExecContainerCommandRequest({
          regionId: REGION,
          containerGroupId: id,
          containerName: 'main',
          command: JSON.stringify(['tty']),
          TTY: true,
          stdin: true,
        }),
      );
      const stream = await runExecStream(terminal.body?.webSocketUri as string);
      expect(stream.stdout).toMatch(/\/dev\/pts\/\d+/);

      await client.restartContainerGroup(new EciModule.RestartContainerGroupRequest({ regionId: REGION, containerGroupId: id }));
      await waitRunning(id, 1);
      expect(await syncExec(id, ['cat', `/root/${marker}`])).toBe('kept\n');

      await client.deleteContainerGroup(new EciModule.DeleteContainerGroupRequest({ regionId: REGION, containerGroupId: id }));
      await waitFor(
        async () => {
          const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
          return mountinfo.includes(join(emulator.stateDir, 'sandboxes', id)) ? undefined : true;
        },
        30_000,
        'the sandbox mounts to go',
      );
    });

    it('close() removes every container, mount and process, and the state directory', async () => {
      const created = await client.createContainerGroup(
        new EciModule.CreateContainerGroupRequest({
          regionId: REGION,
          containerGroupName: 'runc-e2e-close',
          container: [
            new EciModule.CreateContainerGroupRequestContainer({ name: 'main', image: 'ubuntu:24.04', cpu: 1, memory: 1 }),
          ],
        }),
      );
      const id = created.body?.containerGroupId as string;
      await waitRunning(id);
      const stateDir = emulator.stateDir;
      expect((await readFile('/proc/self/mountinfo', 'utf8')).includes(stateDir)).toBe(true);

      await emulator.close();
      expect((await readFile('/proc/self/mountinfo', 'utf8')).includes(stateDir)).toBe(false);
      expect(await hostProcessesWith(stateDir)).toEqual([]);
      expect(existsSync(stateDir)).toBe(false);
    });
  },
);

/** Host pids whose command line contains `marker` (runc run / exec name their --root under stateDir). */
async function hostProcessesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.replace(/\0/g, ' ').includes(marker)) found.push(Number(entry));
  }
  return found;
}
