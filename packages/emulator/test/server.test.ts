import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runEmulatorServer, startEmulator, type Emulator } from '../src/index.js';
import { callV1, pidAlive, waitFor } from './helpers.js';

describe('runEmulatorServer', () => {
  it('prints how to connect, serves, and removes everything when stopped', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    let sawEndpoint!: (endpoint: string) => void;
    const endpointSeen = new Promise<string>((resolve) => (sawEndpoint = resolve));
    const done = runEmulatorServer({
      runtime: 'process',
      port: 0,
      handleSignals: false,
      signal: controller.signal,
      credentials: { accessKeyId: 'LTAIstandalone', accessKeySecret: 'standalone-secret' },
      write: (line) => {
        lines.push(line);
        const match = /^\s+ECI_SANDBOX_ENDPOINT=(\S+)/.exec(line);
        if (match) sawEndpoint(match[1]!);
      },
    });
    const endpoint = await endpointSeen;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // An unsigned request is refused with an ECI error body: the server answers.
    const response = await fetch(`${endpoint}/?Action=DescribeContainerGroups`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { Code: string }).Code).toBe('MissingSignature');
    expect(lines.join('\n')).toContain('ECI_SANDBOX_ACCESS_KEY_ID=LTAIstandalone');
    expect(lines.join('\n')).not.toContain('standalone-secret');
    expect(lines.join('\n')).toContain('runtime: process');
    controller.abort();
    await done;
    expect(lines.at(-1)).toBe('[emulator] closed');
    await expect(fetch(`${endpoint}/`)).rejects.toThrow();
  });
});

const binPath = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

// The bin is the built file: `pnpm test` at the root builds first; a bare package run may not have it.
describe.skipIf(!existsSync(binPath))(
  `the eci-emulator bin${existsSync(binPath) ? '' : ' (skipped: dist/bin.js not built)'}`,
  () => {
    it('cleans up every sandbox process on SIGTERM', async () => {
      const child = spawn(process.execPath, [binPath, '--runtime', 'process', '--port', '0'], {
        env: { ...process.env, ECI_EMULATOR_ACCESS_KEY_ID: 'LTAIbin', ECI_EMULATOR_ACCESS_KEY_SECRET: 'bin-secret' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const endpoint = await waitFor(() => /ECI_SANDBOX_ENDPOINT=(\S+)/.exec(output)?.[1], 15_000, 'the endpoint line');
        const emulatorLike = {
          endpoint,
          host: endpoint.replace('http://', ''),
          credentials: { accessKeyId: 'LTAIbin', accessKeySecret: 'bin-secret' },
        } as unknown as Emulator;
        const created = await callV1(emulatorLike, 'CreateContainerGroup', {
          ContainerGroupName: 'bin-group',
          'Container.1.Name': 'main',
          'Container.1.Image': 'busybox',
          'Container.1.Command.1': '/bin/sh',
          'Container.1.Command.2': '-c',
          'Container.1.Command.3': 'echo pid=$$; exec sleep 1000',
        });
        const id = created.body.ContainerGroupId as string;
        const pid = await waitFor(
          async () => {
            const log = await callV1(emulatorLike, 'DescribeContainerLog', { ContainerGroupId: id, ContainerName: 'main' });
            const match = /pid=(\d+)/.exec(String(log.body.Content ?? ''));
            return match ? Number(match[1]) : undefined;
          },
          15_000,
          'the pid',
        );
        expect(pidAlive(pid)).toBe(true);
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(pidAlive(pid)).toBe(false);
        expect(output).toContain('shutting down');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });

    it('after a SIGKILL, the next start on the same state directory reaps the leftovers', async () => {
      const stateDir = await mkdtemp(join(tmpdir(), 'eci-emu-kill-'));
      const child = spawn(process.execPath, [binPath, '--runtime', 'process', '--port', '0', '--state-dir', stateDir], {
        env: { ...process.env, ECI_EMULATOR_ACCESS_KEY_ID: 'LTAIbin', ECI_EMULATOR_ACCESS_KEY_SECRET: 'bin-secret' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let pid = 0;
      try {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const endpoint = await waitFor(() => /ECI_SANDBOX_ENDPOINT=(\S+)/.exec(output)?.[1], 15_000, 'the endpoint line');
        const emulatorLike = {
          endpoint,
          host: endpoint.replace('http://', ''),
          credentials: { accessKeyId: 'LTAIbin', accessKeySecret: 'bin-secret' },
        } as unknown as Emulator;
        const created = await callV1(emulatorLike, 'CreateContainerGroup', {
          ContainerGroupName: 'crash-group',
          'Container.1.Name': 'main',
          'Container.1.Image': 'busybox',
          'Container.1.Command.1': '/bin/sh',
          'Container.1.Command.2': '-c',
          'Container.1.Command.3': 'echo pid=$$; exec sleep 1000',
        });
        const id = created.body.ContainerGroupId as string;
        pid = await waitFor(
          async () => {
            const log = await callV1(emulatorLike, 'DescribeContainerLog', { ContainerGroupId: id, ContainerName: 'main' });
            const match = /pid=(\d+)/.exec(String(log.body.Content ?? ''));
            return match ? Number(match[1]) : undefined;
          },
          15_000,
          'the pid',
        );
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        expect(pidAlive(pid)).toBe(true); // the crash left the sandbox running

        const next = await startEmulator({ runtime: 'process', stateDir });
        expect(pidAlive(pid)).toBe(false);
        expect(existsSync(join(stateDir, 'sandboxes', id))).toBe(false);
        await next.close();
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (pid && pidAlive(pid)) process.kill(pid, 'SIGKILL');
        await rm(stateDir, { recursive: true, force: true });
      }
    });
  },
);

describe('startEmulator', () => {
  it('says which address it could not listen on, and rejects invalid options by name', async () => {
    const first = await startEmulator({ runtime: 'process' });
    try {
      const port = Number(first.host.split(':')[1]);
      await expect(startEmulator({ runtime: 'process', port })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      await first.close();
    }
    await expect(startEmulator({ runtime: 'process', port: -1 })).rejects.toThrow(/Invalid emulator option port/);
    await expect(startEmulator({ runtime: 'docker' as 'process' })).rejects.toThrow(/Invalid emulator option runtime/);
  });
});
