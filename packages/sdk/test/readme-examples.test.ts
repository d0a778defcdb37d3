import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import { ExecTimeoutError } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { startTestBed, tmuxAvailable } from './helpers.js';

// The seed README's examples, in TypeScript, against the emulator.
describe('README examples', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    bed = await startTestBed();
    const created = await bed.client.create({
      image: 'registry.cn-hangzhou.aliyuncs.com/eci_open/nginx:latest',
      name: 'sandbox-demo',
      cpu: 1,
      memory: 2,
      ports: [{ port: 8080, protocol: 'TCP' }],
      tags: { purpose: 'readme' },
      waitUntilRunning: true,
    });
    expect(created.errorMessage).toBe('');
    expect(created.success).toBe(true);
    sandbox = created.sandbox!;
  });

  afterAll(async () => {
    await sandbox?.delete();
    await bed?.close();
  });

  it('quick start: create, wait until running, bash, info, delete', async () => {
    const created = await bed.client.create({
      image: 'python:3.12-slim',
      name: 'quick-start',
      waitUntilRunning: true,
      ttlMs: 3_600_000,
    });
    expect(created.success).toBe(true);
    expect(created.requestId).not.toBe('');
    const quick = created.sandbox!;
    const info = await quick.info();
    expect(info.data?.status).toBe('Running');
    expect(info.data?.name).toBe('quick-start');
    const result = await quick.bash('echo hello from $(hostname); exit 3');
    expect(result.success).toBe(true);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('hello from');
    const deleted = await quick.delete();
    expect(deleted.success).toBe(true);
    const gone = await bed.client.get(quick.id);
    expect(gone.success).toBe(false);
    expect(gone.errorMessage).toMatch(/not found/);
  });

  it('listing: one page, filters, and every page', async () => {
    const page = await bed.client.list({ limit: 10, status: 'Running' });
    expect(page.success).toBe(true);
    expect(page.sandboxIds).toContain(sandbox.id);
    expect(page.sandboxes.find((each) => each.sandboxId === sandbox.id)?.tags).toEqual({ purpose: 'readme' });
    const byTag = await bed.client.list({ tags: { purpose: 'readme' } });
    expect(byTag.sandboxIds).toEqual([sandbox.id]);
    const ids: string[] = [];
    for await (const each of bed.client.listAll({ limit: 1 })) {
      expect(each.success).toBe(true);
      ids.push(...each.sandboxIds);
    }
    expect(ids).toContain(sandbox.id);
  });

  it('execCommand with a timeout returns the output so far and a timeout error', async () => {
    const result = await sandbox.execCommand(['/bin/sh', '-c', 'echo tick-1; exec sleep 60'], { timeoutMs: 3000 });
    expect(result.success).toBe(false);
    expect(result.error).toBeInstanceOf(ExecTimeoutError);
    expect(result.output).toContain('tick-1');
    const quick = await sandbox.execCommand(['/bin/sh', '-c', 'for i in 1 2 3; do echo tick-$i; done']);
    expect(quick.success).toBe(true);
    expect(quick.output).toBe('tick-1\ntick-2\ntick-3\n');
    expect(quick.exitCode).toBe(0);
  });

  it('execCommand with sync: false returns the stream URL at once', async () => {
    const result = await sandbox.execCommand(['true'], { sync: false });
    expect(result.success).toBe(true);
    expect(result.websocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/exec\/\?s=/);
  });

  it('bash with execDir', async () => {
    const result = await sandbox.bash('pwd; ls -la', { execDir: '/tmp', timeoutMs: 5000 });
    expect(result.success).toBe(true);
    expect(result.stdout.split('\n')[0]).toBe('/tmp');
    expect(result.exitCode).toBe(0);
  });

  it('a 300 KB inline Python script through bashWs', async () => {
    const values = Array.from({ length: 40_000 }, (_, index) => index * 7);
    const python = `data = [${values.join(', ')}]\nprint(len(data), sum(data))\n`;
    expect(python.length).toBeGreaterThan(300_000);
    const script = `/usr/bin/python3 - <<'PYEOF'\n${python}PYEOF\n`;
    const result = await sandbox.bashWs(script);
    expect(result.errorMessage).toBe('');
    expect(result.stdout.trim()).toBe(`${values.length} ${values.reduce((sum, value) => sum + value, 0)}`);
    // bash picks stdin by itself when the script cannot fit the argv
    const auto = await sandbox.bash(script);
    expect(auto.stdout).toBe(result.stdout);
  });

  it('writeFileWs of 1 MB reads back equal', async () => {
    const content = randomBytes(1024 * 1024);
    const path = `/tmp/eci-sdk-${randomBytes(4).toString('hex')}.bin`;
    try {
      const written = await sandbox.writeFileWs(path, content);
      expect(written.errorMessage).toBe('');
      expect(written.bytesWritten).toBe(content.length);
      const read = await sandbox.readFile(path);
      expect(read.success).toBe(true);
      expect(createHash('sha256').update(read.content!).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
    } finally {
      await sandbox.bash(`rm -f ${path}`);
    }
  });

  describe.skipIf(!tmuxAvailable())('tmux walkthrough (needs tmux)', () => {
    it('start, wait, poll, list, kill', async () => {
      const started = await bed.client.tmuxStart(sandbox.id, 'for i in 1 2 3; do echo count-$i; done; echo done', {
        execDir: '/tmp',
      });
      expect(started.errorMessage).toBe('');
      const streamed: string[] = [];
      const waited = await bed.client.tmuxWait(sandbox.id, started.sessionId, {
        timeoutMs: 30_000,
        onOutput: (chunk) => streamed.push(chunk),
      });
      expect(waited.status).toBe('COMPLETED');
      expect(waited.exitCode).toBe(0);
      expect(waited.output).toContain('count-3\ndone');
      expect(streamed.join('')).toContain('done');

      const second = await sandbox.tmuxStart('echo first-line; exec sleep 600');
      expect(second.success).toBe(true);
      // poll until the first line shows (a condition with a deadline, not a sleep)
      const deadline = Date.now() + 20_000;
      let polled = await sandbox.tmuxPoll(second.sessionId);
      while (!polled.output.includes('first-line') && Date.now() < deadline) polled = await sandbox.tmuxPoll(second.sessionId);
      expect(polled.status).toBe('RUNNING');
      expect(polled.output).toContain('first-line');
      const more = await sandbox.tmuxPoll(second.sessionId, { offset: polled.nextOffset });
      expect(more.output).not.toContain('first-line');

      const listed = await sandbox.tmuxList();
      expect(listed.sessions.map((session) => session.sessionId)).toEqual(
        expect.arrayContaining([started.sessionId, second.sessionId]),
      );
      const killed = await sandbox.tmuxKill(second.sessionId);
      expect(killed.success).toBe(true);
      const after = await sandbox.tmuxPoll(second.sessionId);
      expect(after.status).not.toBe('RUNNING');
      await sandbox.tmuxKill(started.sessionId);
    });

    it('tailLines gives the last lines of a log longer than one read', async () => {
      // About 2 MiB of output: more than the 1 MiB one poll reads.
      const started = await sandbox.tmuxStart('seq 1 300000');
      expect((await sandbox.tmuxWait(started.sessionId, { timeoutMs: 60_000 })).status).toBe('COMPLETED');
      const polled = await sandbox.tmuxPoll(started.sessionId, { tailLines: 3 });
      expect(polled).toMatchObject({ status: 'COMPLETED', exitCode: 0, output: '299998\n299999\n300000\n' });
    });
  });
});
