import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessRuntime, startEmulator, type Emulator } from '../src/index.js';
import { pidsWithEnvironment } from '../src/internal/process-tree.js';
import { callV1, pidAlive, runExecStream, startTestEmulator, waitFor } from './helpers.js';

/** Live processes that belong to any sandbox under `stateDir` (by the runtime's marker variable). */
async function sandboxProcesses(stateDir: string): Promise<number[]> {
  const pids = await pidsWithEnvironment('ECI_EMULATOR_SANDBOX', (value) => value.startsWith(`${stateDir}/`));
  return pids.filter(pidAlive);
}

type Group = {
  ContainerGroupId: string;
  Status: string;
  ExpiredTime: string;
  Containers: Array<{
    RestartCount: number;
    CurrentState: { State: string; ExitCode?: number; Reason?: string };
    PreviousState: { ExitCode?: number };
  }>;
  Events: Array<{ Reason: string }>;
};

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function create(emulator: Emulator, name: string, extra: Record<string, string>): Promise<string> {
  const response = await callV1(emulator, 'CreateContainerGroup', {
    ContainerGroupName: name,
    'Container.1.Name': 'main',
    'Container.1.Image': 'busybox',
    ...extra,
  });
  expect(response.body.Code).toBeUndefined();
  return response.body.ContainerGroupId as string;
}

async function describeGroup(emulator: Emulator, id: string): Promise<Group | undefined> {
  const response = await callV1(emulator, 'DescribeContainerGroups', { ContainerGroupIds: JSON.stringify([id]) });
  return (response.body.ContainerGroups as Group[])[0];
}

function waitForGroup(emulator: Emulator, id: string, predicate: (group: Group) => boolean, what: string): Promise<Group> {
  return waitFor(
    async () => {
      const group = await describeGroup(emulator, id);
      return group && predicate(group) ? group : undefined;
    },
    20_000,
    what,
  );
}

async function mainPid(emulator: Emulator, id: string): Promise<number> {
  return waitFor(
    async () => {
      const log = await callV1(emulator, 'DescribeContainerLog', { ContainerGroupId: id, ContainerName: 'main' });
      const match = /pid=(\d+)/.exec(String(log.body.Content ?? ''));
      return match ? Number(match[1]) : undefined;
    },
    10_000,
    'the main process to print its pid',
  );
}

describe('the status machine', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('goes Scheduling → Pending → Running', async () => {
    const seen = new Set<string>();
    const id = await create(emulator, 'phases', {});
    await waitFor(
      async () => {
        const group = await describeGroup(emulator, id);
        if (group) seen.add(group.Status);
        return group?.Status === 'Running' ? true : undefined;
      },
      10_000,
      'Running',
    );
    expect(seen.has('Running')).toBe(true);
    expect([...seen].every((status) => ['Scheduling', 'Pending', 'Running'].includes(status))).toBe(true);
    const group = await describeGroup(emulator, id);
    expect(group?.Events.map((event) => event.Reason)).toEqual(expect.arrayContaining(['Scheduled', 'Started']));
  });

  it('ends Succeeded or Failed under RestartPolicy Never', async () => {
    const ok = await create(emulator, 'never-ok', {
      RestartPolicy: 'Never',
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Arg.1': '-c',
      'Container.1.Arg.2': 'echo bye',
    });
    const bad = await create(emulator, 'never-bad', {
      RestartPolicy: 'Never',
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Command.2': '-c',
      'Container.1.Command.3': 'exit 3',
    });
    const succeeded = await waitForGroup(emulator, ok, (group) => group.Status === 'Succeeded', 'Succeeded');
    expect(succeeded.Containers[0]?.CurrentState).toMatchObject({ State: 'Terminated', ExitCode: 0 });
    const failed = await waitForGroup(emulator, bad, (group) => group.Status === 'Failed', 'Failed');
    expect(failed.Containers[0]?.CurrentState).toMatchObject({ State: 'Terminated', ExitCode: 3 });
    const log = await callV1(emulator, 'DescribeContainerLog', { ContainerGroupId: ok, ContainerName: 'main' });
    expect(log.body).toMatchObject({ ContainerName: 'main', Content: 'bye\n' });
  });

  it('restarts on failure under OnFailure until the command succeeds', async () => {
    const script =
      'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo attempt-$n; [ $n -ge 3 ] && exit 0; exit 1';
    const id = await create(emulator, 'on-failure', {
      RestartPolicy: 'OnFailure',
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Command.2': '-c',
      'Container.1.Command.3': script,
    });
    const group = await waitForGroup(emulator, id, (item) => item.Status === 'Succeeded', 'Succeeded after retries');
    expect(group.Containers[0]?.RestartCount).toBe(2);
    expect(group.Containers[0]?.PreviousState.ExitCode).toBe(1);
    const previous = await callV1(emulator, 'DescribeContainerLog', {
      ContainerGroupId: id,
      ContainerName: 'main',
      LastTime: 'true',
    });
    expect(previous.body.Content).toBe('attempt-2\n');
  });

  it('restarts a finished main process under Always and stays Running', async () => {
    const id = await create(emulator, 'always', { 'Container.1.Command.1': 'true' });
    const group = await waitForGroup(emulator, id, (item) => item.Containers[0]!.RestartCount >= 2, 'two restarts');
    expect(['Running']).toContain(group.Status);
    await callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: id });
  });

  it('expires at ActiveDeadlineSeconds and kills the processes', async () => {
    const id = await create(emulator, 'deadline', {
      ActiveDeadlineSeconds: '1',
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Command.2': '-c',
      'Container.1.Command.3': 'echo pid=$$; exec sleep 1000',
    });
    const pid = await mainPid(emulator, id);
    expect(pidAlive(pid)).toBe(true);
    const group = await waitForGroup(emulator, id, (item) => item.Status === 'Expired', 'Expired');
    expect(group.ExpiredTime).toMatch(/Z$/);
    await waitFor(() => (pidAlive(pid) ? undefined : true), 10_000, 'the main process to die');
    const exec = await callV1(emulator, 'ExecContainerCommand', {
      ContainerGroupId: id,
      ContainerName: 'main',
      Command: '["true"]',
    });
    expect(exec.body.Code).toBe('IncorrectStatus');
  });

  it('tails the log by lines and bytes', async () => {
    const id = await create(emulator, 'logs', {
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Command.2': '-c',
      'Container.1.Command.3': 'for i in 1 2 3 4 5; do echo line-$i; done; echo pid=$$; exec sleep 1000',
    });
    await mainPid(emulator, id);
    const tail = await callV1(emulator, 'DescribeContainerLog', { ContainerGroupId: id, ContainerName: 'main', Tail: '2' });
    expect(tail.body.Content).toMatch(/^line-5\npid=\d+\n$/);
    const bytes = await callV1(emulator, 'DescribeContainerLog', {
      ContainerGroupId: id,
      ContainerName: 'main',
      LimitBytes: '4',
    });
    expect(String(bytes.body.Content)).toHaveLength(4);
    const bad = await callV1(emulator, 'DescribeContainerLog', { ContainerGroupId: id, ContainerName: 'main', Tail: '5000' });
    expect(bad.body.Code).toBe('InvalidParameter');
  });

  it('pages with Limit and NextToken, and filters by name, status and tag', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(
        await create(emulator, `page-${index}`, {
          'Tag.1.Key': 'suite',
          'Tag.1.Value': 'paging',
          RestartPolicy: 'Never',
          'Container.1.Command.1': 'true',
        }),
      );
    }
    const seen: string[] = [];
    let nextToken = '';
    let pages = 0;
    do {
      const page = await callV1(emulator, 'DescribeContainerGroups', {
        Limit: '2',
        'Tag.1.Key': 'suite',
        'Tag.1.Value': 'paging',
        ...(nextToken ? { NextToken: nextToken } : {}),
      });
      expect(page.body.TotalCount).toBe(5);
      seen.push(...(page.body.ContainerGroups as Group[]).map((group) => group.ContainerGroupId));
      nextToken = String(page.body.NextToken ?? '');
      pages += 1;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(new Set(seen)).toEqual(new Set(ids));
    const byName = await callV1(emulator, 'DescribeContainerGroups', { ContainerGroupName: 'page-3' });
    expect((byName.body.ContainerGroups as Group[]).map((group) => group.ContainerGroupId)).toEqual([ids[3]]);
    await waitForGroup(emulator, ids[0]!, (group) => group.Status === 'Succeeded', 'Succeeded');
    const byStatus = await callV1(emulator, 'DescribeContainerGroups', { Status: 'Succeeded', 'Tag.1.Key': 'suite' });
    expect((byStatus.body.ContainerGroups as Group[]).every((group) => group.Status === 'Succeeded')).toBe(true);
    const status = await callV1(emulator, 'DescribeContainerGroupStatus', { ContainerGroupIds: JSON.stringify(ids.slice(0, 2)) });
    const data = status.body.Data as Array<Record<string, unknown>>;
    expect(data).toHaveLength(2);
    expect(data[0]).toMatchObject({ Namespace: 'default', PodStatus: expect.objectContaining({ Phase: expect.any(String) }) });
    expect(data[0]?.uuid).toBeTruthy();
    const badToken = await callV1(emulator, 'DescribeContainerGroups', { NextToken: '!!!' });
    expect(badToken.body.Code).toBe('InvalidParameter.NextToken');
  });

  it('deletes a group: it disappears and its processes die', async () => {
    const id = await create(emulator, 'to-delete', {
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Command.2': '-c',
      'Container.1.Command.3': 'echo pid=$$; exec sleep 1000',
    });
    const pid = await mainPid(emulator, id);
    const deleted = await callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: id, Force: 'true' });
    expect(deleted.status).toBe(200);
    expect(await describeGroup(emulator, id)).toBeUndefined();
    expect(pidAlive(pid)).toBe(false);
    const again = await callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: id });
    expect(again.body.Code).toBe('InvalidContainerGroupId.NotFound');
  });
});

describe('clean shutdown and crash recovery', () => {
  it('close() leaves no process behind, tmux servers and background jobs included', async () => {
    const emulator = await startTestEmulator();
    const id = await create(emulator, 'shutdown', {
      'Container.1.Command.1': '/bin/sh',
      'Container.1.Command.2': '-c',
      'Container.1.Command.3': 'echo pid=$$; exec sleep 1000',
    });
    const pid = await mainPid(emulator, id);
    await waitForGroup(emulator, id, (group) => group.Status === 'Running', 'Running');
    const exec = await callV1(emulator, 'ExecContainerCommand', {
      ContainerGroupId: id,
      ContainerName: 'main',
      Stdin: 'false',
      Command: JSON.stringify([
        '/bin/sh',
        '-c',
        hasTmux
          ? 'tmux new-session -d -s job "sleep 1000"; tmux display-message -p "server=#{pid}"; (setsid sleep 1000 & echo bg=$!)'
          : '(setsid sleep 1000 & echo bg=$!)',
      ]),
    });
    const output = await runExecStream(exec.body.WebSocketUri as string);
    const pids = [pid, ...[...output.stdout.matchAll(/(?:server|bg)=(\d+)/g)].map((match) => Number(match[1]))];
    expect(pids.length).toBe(hasTmux ? 3 : 2);
    expect(pids.every(pidAlive)).toBe(true);
    const stateDir = emulator.stateDir;
    expect((await sandboxProcesses(stateDir)).length).toBeGreaterThanOrEqual(pids.length);
    await emulator.close();
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(await sandboxProcesses(stateDir)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
    await expect(callV1(emulator, 'DescribeContainerGroups', {})).rejects.toThrow();
  });

  it('reaps what a crashed run left in stateDir', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'eci-emu-crash-'));
    try {
      // A crashed run: a sandbox started and then abandoned without stop() or destroy().
      const runtime = createProcessRuntime();
      const sandboxDir = join(stateDir, 'sandboxes', 'eci-crashed0000000000000');
      const sandbox = await runtime.start({
        id: 'eci-crashed0000000000000',
        name: 'crashed',
        containerName: 'main',
        image: 'busybox',
        command: [],
        args: [],
        env: {},
        stateDir: sandboxDir,
      });
      const handle = sandbox.exec({ argv: ['/bin/sh', '-c', '(setsid sleep 1000 & echo $!)'], tty: false });
      handle.stdin.end();
      let text = '';
      handle.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      await handle.exited;
      const orphan = Number(text.trim());
      expect(pidAlive(orphan)).toBe(true);
      await writeFile(join(stateDir, 'emulator.pid'), '999999999\n'); // the dead emulator's pid file

      const emulator = await startEmulator({ runtime: 'process', stateDir, port: 0 });
      expect(pidAlive(orphan)).toBe(false);
      expect(existsSync(sandboxDir)).toBe(false);
      await emulator.close();
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('refuses a stateDir that a live emulator holds', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'eci-emu-busy-'));
    const holder = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      await writeFile(join(stateDir, 'emulator.pid'), `${holder.pid}\n`);
      await expect(startEmulator({ runtime: 'process', stateDir })).rejects.toThrow(/in use by another emulator/);
    } finally {
      holder.kill('SIGKILL');
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe('races', () => {
  it('restarting a Pending group and deleting a group while it starts leave nothing running', async () => {
    const emulator = await startTestEmulator({ schedulingMs: 0, pendingMs: 300 });
    try {
      const command = {
        'Container.1.Command.1': '/bin/sh',
        'Container.1.Command.2': '-c',
        'Container.1.Command.3': 'echo pid=$$; exec sleep 1000',
      };
      const restarted = await create(emulator, 'restart-pending', command);
      await waitForGroup(emulator, restarted, (group) => group.Status === 'Pending', 'Pending');
      expect((await callV1(emulator, 'RestartContainerGroup', { ContainerGroupId: restarted })).status).toBe(200);
      const running = await waitForGroup(
        emulator,
        restarted,
        (group) => group.Status === 'Running',
        'Running after a restart while Pending',
      );
      expect(running.Containers[0]?.RestartCount).toBe(1);
      const exec = await callV1(emulator, 'ExecContainerCommand', {
        ContainerGroupId: restarted,
        ContainerName: 'main',
        Command: '["/bin/sh","-c","echo alive > $HOME/probe; cat $HOME/probe"]',
        Sync: 'true',
        Stdin: 'false',
      });
      expect(exec.body.SyncResponse).toBe('alive\n');
      const pid = await mainPid(emulator, restarted);

      const deleted = await create(emulator, 'delete-starting', command);
      await waitForGroup(emulator, deleted, (group) => group.Status === 'Pending', 'Pending');
      expect((await callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: deleted })).status).toBe(200);
      expect(emulator.containerGroupIds()).toEqual([restarted]);
      await emulator.close();
      expect(pidAlive(pid)).toBe(false);
      expect(await sandboxProcesses(emulator.stateDir)).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
