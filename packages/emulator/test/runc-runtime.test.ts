import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuncRuntime, detectRunc } from '../src/runtime/runc.js';
import type { ExecSpec, RunningSandbox, SandboxRuntime, SandboxSpec } from '../src/runtime/types.js';

// The runc runtime needs Linux, root and runc. Without them the suite is skipped with the
// reason, unless ECI_SANDBOX_REQUIRE_RUNC=1 (CI), where it fails instead.
const detection = await detectRunc();
const required = process.env.ECI_SANDBOX_REQUIRE_RUNC === '1';

if (!detection.usable && required) {
  describe('runc runtime (required by ECI_SANDBOX_REQUIRE_RUNC=1)', () => {
    it('is usable on this machine', () => {
      throw new Error(`runc runtime is not usable: ${detection.reason}`);
    });
  });
}

describe.skipIf(!detection.usable)(
  `runc runtime${detection.usable ? '' : ` (skipped: ${detection.reason}; set ECI_SANDBOX_REQUIRE_RUNC=1 to fail instead)`}`,
  () => {
    const unique = `${process.pid}x${Date.now().toString(36)}`;
    const runtime = createRuncRuntime({ stopGraceMs: 1_000 });
    /** Every sandbox any test started, destroyed in afterAll whatever happened. */
    const started: RunningSandbox[] = [];
    const stateRoots: string[] = [];
    let stateRoot = '';
    let alpha: RunningSandbox;
    let beta: RunningSandbox;
    let betaSpec: SandboxSpec;

    const makeSpec = (root: string, id: string, overrides: Partial<SandboxSpec> = {}): SandboxSpec => ({
      id,
      name: id,
      containerName: 'main',
      image: 'host',
      command: [],
      args: [],
      env: {},
      stateDir: join(root, 'sandboxes', id),
      ...overrides,
    });

    const startOn = async (target: SandboxRuntime, spec: SandboxSpec): Promise<RunningSandbox> => {
      const sandbox = await target.start(spec);
      started.push(sandbox);
      return sandbox;
    };

    beforeAll(async () => {
      // Not under /tmp: /tmp is a fresh tmpfs inside a sandbox, which would hide the state
      // directory anyway and leave the masking untested.
      stateRoot = await mkdtemp('/var/tmp/eci-runc-test-');
      stateRoots.push(stateRoot);
      await runtime.reapLeftovers(stateRoot);
      alpha = await startOn(
        runtime,
        makeSpec(stateRoot, 'sbx-alpha', {
          command: ['sh', '-c'],
          args: [`echo started-alpha; echo oops-alpha >&2; exec sleep 876543.${process.pid}`],
          env: { GREETING: 'hello from the spec' },
          cpu: 0.5,
          memoryGiB: 0.25,
        }),
      );
      betaSpec = makeSpec(stateRoot, 'sbx-beta');
      beta = await startOn(runtime, betaSpec);
    });

    afterAll(async () => {
      const failures: unknown[] = [];
      for (const sandbox of started) await sandbox.destroy().catch((error: unknown) => failures.push(error));
      for (const root of stateRoots) {
        // Never remove a directory with something still mounted in it.
        if ((await mountsWithin(root)).length === 0) await rm(root, { recursive: true, force: true });
        else failures.push(new Error(`mounts left under ${root}`));
      }
      if (failures.length > 0) throw failures[0];
    });

    it('names the host after the sandbox and shows only its own processes, PID 1 the main one', async () => {
      await waitFor(async () => (await alpha.readLog()).toString().includes('started-alpha'), 'alpha to start');
      expect((await run(alpha, { argv: ['hostname'] })).stdout.trim()).toBe('sbx-alpha');
      expect((await run(beta, { argv: ['cat', '/etc/hostname'] })).stdout.trim()).toBe('sbx-beta');

      for (const sandbox of [alpha, beta]) {
        const listing = await run(sandbox, { argv: ['ps', '-e', '-o', 'pid=,args='] });
        expect(listing.code).toBe(0);
        const rows = listing.stdout
          .trim()
          .split('\n')
          .map((line) => line.trim());
        // The main process (keep-alive or the spec's command) and the ps itself, nothing else.
        expect(rows).toHaveLength(2);
        expect(rows[0]).toMatch(/^1 sleep /);
        expect(rows[1]).toMatch(/^\d+ ps -e/);
      }
    });

    it('keeps /tmp private to each sandbox and writes to /root and /etc off the host', async () => {
      const name = `eci-runc-${unique}`;
      expect((await run(alpha, { argv: ['sh', '-c', `echo secret > /tmp/${name}`] })).code).toBe(0);
      expect((await run(alpha, { argv: ['cat', `/tmp/${name}`] })).stdout).toBe('secret\n');
      expect((await run(beta, { argv: ['test', '-e', `/tmp/${name}`] })).code).toBe(1);
      expect(existsSync(`/tmp/${name}`)).toBe(false);

      const written = await run(alpha, { argv: ['sh', '-c', `echo root > /root/${name} && echo etc > /etc/${name}`] });
      expect(written.code).toBe(0);
      expect((await run(alpha, { argv: ['cat', `/root/${name}`, `/etc/${name}`] })).stdout).toBe('root\netc\n');
      expect(existsSync(`/root/${name}`)).toBe(false);
      expect(existsSync(`/etc/${name}`)).toBe(false);
      expect((await run(beta, { argv: ['test', '-e', `/root/${name}`] })).code).toBe(1);
    });

    it("hides the emulator's state directory (other sandboxes' upper dirs) inside a sandbox", async () => {
      // On the host the state root holds both sandboxes' directories…
      expect((await readdir(join(stateRoot, 'sandboxes'))).sort()).toEqual(['sbx-alpha', 'sbx-beta']);
      // …inside, it is an empty mask.
      const listing = await run(alpha, { argv: ['ls', '-A', stateRoot] });
      expect(listing).toMatchObject({ code: 0, stdout: '' });
      expect((await run(alpha, { argv: ['test', '-e', join(betaSpec.stateDir, 'upper')] })).code).toBe(1);
    });

    it('passes exit codes (signal n gives 128 + n), stdin, env and cwd through exec', async () => {
      expect((await run(alpha, { argv: ['true'] })).code).toBe(0);
      expect((await run(alpha, { argv: ['false'] })).code).toBe(1);
      expect((await run(alpha, { argv: ['sh', '-c', 'kill -9 $$'] })).code).toBe(137);
      const notFound = await run(alpha, { argv: ['no-such-program-eci'] });
      expect(notFound.code).toBe(127);
      expect(notFound.stderr).toContain('no-such-program-eci');
      expect((await run(alpha, { argv: ['/etc/hostname'] })).code).toBe(126);
      expect(await run(alpha, { argv: ['cat'] }, 'line one\nline two\n')).toMatchObject({
        code: 0,
        stdout: 'line one\nline two\n',
      });
      const environment = await run(alpha, {
        argv: ['sh', '-c', 'echo "$EXTRA|$GREETING|$(pwd)"; echo to-stderr >&2'],
        env: { EXTRA: 'from exec' },
        cwd: '/usr/share',
      });
      expect(environment).toMatchObject({ code: 0, stdout: 'from exec|hello from the spec|/usr/share\n', stderr: 'to-stderr\n' });
    });

    it("captures the main process's stdout and stderr in readLog", async () => {
      await waitFor(
        async () => /started-alpha[\s\S]*oops-alpha|oops-alpha[\s\S]*started-alpha/.test((await alpha.readLog()).toString()),
        'both log lines',
      );
    });

    it('gives a TTY exec a terminal of the asked size, and resize reaches it', async () => {
      const sized = alpha.exec({ argv: ['sh', '-c', 'tty; stty size'], tty: true, cols: 100, rows: 30 });
      expect(sized.stderr).toBeNull();
      const sizedOutput = collect(sized.stdout);
      sized.stdin.end();
      expect(await sized.exited).toBe(0);
      await sizedOutput.ended;
      expect(sizedOutput.text()).toMatch(/^\/dev\/pts\/\d+\r?\n30 100\r?\n$/);

      const resized = alpha.exec({
        argv: ['sh', '-c', 'trap "stty size; exit 0" WINCH; echo ready; while :; do sleep 0.05; done'],
        tty: true,
        cols: 80,
        rows: 24,
      });
      const output = collect(resized.stdout);
      try {
        await waitFor(() => output.text().includes('ready'), 'the TTY exec to be ready');
        resized.resize(120, 40);
        await waitFor(() => output.text().includes('40 120'), 'the new size inside');
        expect(await resized.exited).toBe(0);
      } finally {
        resized.kill('SIGKILL');
      }
    });

    it('sends TTY input through the terminal (a shell reads it)', async () => {
      const shell = alpha.exec({ argv: ['sh'], tty: true });
      const output = collect(shell.stdout);
      try {
        shell.stdin.write('echo "sum=$((40 + 2))"; exit 3\n');
        expect(await shell.exited).toBe(3);
        await output.ended;
        expect(output.text()).toContain('sum=42');
      } finally {
        shell.kill('SIGKILL');
      }
    });

    it('kill() ends an exec and its children', async () => {
      const marker = `765432.${process.pid}`;
      const handle = alpha.exec({ argv: ['sh', '-c', `sleep ${marker}1 & sleep ${marker}2; wait`], tty: false });
      handle.stdin.end();
      await waitFor(async () => (await hostProcessesWith(`sleep ${marker}`, true)).length === 2, 'both sleeps');
      handle.kill('SIGTERM');
      expect(await handle.exited).toBe(143);
      await waitFor(async () => (await hostProcessesWith(`sleep ${marker}`)).length === 0, 'the children to end');

      // Killed at once, before runc has even said which pid it started.
      const early = alpha.exec({ argv: ['sh', '-c', `sleep ${marker}3 & sleep ${marker}4; wait`], tty: false });
      early.stdin.end();
      early.kill('SIGKILL');
      expect(await early.exited).toBe(137);
      await waitFor(async () => (await hostProcessesWith(`sleep ${marker}`)).length === 0, 'the early children to end');
    });

    it("reports the main process's exit code, 127 for a missing command", async () => {
      const failing = await startOn(runtime, makeSpec(stateRoot, 'sbx-exit', { command: ['sh', '-c', 'echo bye; exit 7'] }));
      expect(await failing.exited).toBe(7);
      expect((await failing.readLog()).toString()).toContain('bye');
      const missing = await startOn(runtime, makeSpec(stateRoot, 'sbx-missing', { command: ['no-such-command-eci'] }));
      expect(await missing.exited).toBe(127);
      expect((await missing.readLog()).toString()).toContain('no-such-command-eci');
      const refused = missing.exec({ argv: ['true'], tty: false });
      expect(await refused.exited).toBe(126);
      // A main process that handles SIGTERM gets to finish on stop().
      const gracefulSpec = makeSpec(stateRoot, 'sbx-graceful', {
        command: ['sh', '-c', 'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 0.05; done'],
      });
      const graceful = await startOn(runtime, gracefulSpec);
      await waitFor(async () => (await graceful.readLog()).toString().includes('ready'), 'the trap to be set');
      await graceful.stop();
      expect(await graceful.exited).toBe(0);
      expect((await graceful.readLog()).toString()).toBe('ready\ngot-term\n');
      // Started again, it has a log of its own.
      const again = await startOn(runtime, gracefulSpec);
      await waitFor(async () => (await again.readLog()).toString() === 'ready\n', 'a fresh log');
      await again.destroy();
      await failing.destroy();
      await missing.destroy();
      expect(await mountsWithin(join(stateRoot, 'sandboxes', 'sbx-exit'))).toEqual([]);
      expect(existsSync(join(stateRoot, 'sandboxes', 'sbx-missing'))).toBe(false);
    });

    it('applies cpu and memory limits through cgroups when the host allows it', async (context) => {
      if (!/limits enabled/.test(detection.reason)) context.skip();
      const cgroups = (await run(alpha, { argv: ['cat', '/proc/self/cgroup'] })).stdout;
      const memoryLine = cgroups.split('\n').find((line) => line.split(':')[1]?.split(',').includes('memory'));
      if (memoryLine) {
        const memoryDir = join('/sys/fs/cgroup/memory', memoryLine.split(':')[2] ?? '');
        expect((await readFile(join(memoryDir, 'memory.limit_in_bytes'), 'utf8')).trim()).toBe(String(0.25 * 1024 ** 3));
        const cpuLine = cgroups.split('\n').find((line) => line.split(':')[1]?.split(',').includes('cpu'));
        const cpuDir = join('/sys/fs/cgroup', cpuLine?.split(':')[1] ?? 'cpu', cpuLine?.split(':')[2] ?? '');
        expect((await readFile(join(cpuDir, 'cpu.cfs_quota_us'), 'utf8')).trim()).toBe('50000');
      } else {
        const unified = join('/sys/fs/cgroup', /^0::(.*)$/m.exec(cgroups)?.[1] ?? '');
        expect((await readFile(join(unified, 'memory.max'), 'utf8')).trim()).toBe(String(0.25 * 1024 ** 3));
        expect((await readFile(join(unified, 'cpu.max'), 'utf8')).trim()).toBe('50000 100000');
      }
    });

    it('stop() ends the main process and execs but keeps the file system for a restart', async () => {
      const name = `eci-runc-keep-${unique}`;
      expect((await run(beta, { argv: ['sh', '-c', `echo kept > /root/${name}; echo gone > /tmp/${name}`] })).code).toBe(0);
      const marker = `432109.${process.pid}`;
      const lingering = beta.exec({ argv: ['sleep', marker], tty: false });
      await waitFor(async () => (await hostProcessesWith(`sleep ${marker}`, true)).length === 1, 'the exec to run');
      await beta.stop();
      expect(await beta.exited).toBe(137);
      expect(await lingering.exited).toBe(137);
      expect(await run(beta, { argv: ['true'] })).toMatchObject({ code: 126 });

      beta = await startOn(runtime, betaSpec);
      expect(await run(beta, { argv: ['cat', `/root/${name}`] })).toMatchObject({ code: 0, stdout: 'kept\n' });
      expect((await run(beta, { argv: ['test', '-e', `/tmp/${name}`] })).code).toBe(1);
    });

    it('destroy() leaves no mount, process or directory behind, and is idempotent', async () => {
      const marker = `654321.${process.pid}`;
      const spec = makeSpec(stateRoot, 'sbx-doomed', { command: ['sleep', `${marker}1`] });
      const doomed = await startOn(runtime, spec);
      const plain = doomed.exec({ argv: ['sleep', `${marker}2`], tty: false });
      const terminal = doomed.exec({ argv: ['sleep', `${marker}3`], tty: true });
      await waitFor(async () => (await hostProcessesWith(`sleep ${marker}`, true)).length === 3, 'main and exec processes');
      expect(await mountsWithin(spec.stateDir)).not.toEqual([]);

      await doomed.destroy();
      expect(await plain.exited).toBe(137);
      expect(await terminal.exited).toBeGreaterThan(128);
      expect(await doomed.exited).toBe(137);
      await waitFor(async () => (await hostProcessesWith(marker)).length === 0, 'no process left');
      expect(await hostProcessesWith(spec.stateDir)).toEqual([]);
      expect(await mountsWithin(spec.stateDir)).toEqual([]);
      expect(existsSync(spec.stateDir)).toBe(false);
      await doomed.destroy();
    });

    it("runs an image mapped in options.rootfs on that root file system instead of the host's", async () => {
      const imageRoot = await mkdtemp('/var/tmp/eci-runc-image-');
      stateRoots.push(imageRoot);
      await buildTinyRootfs(imageRoot, ['/bin/sh', '/bin/cat', '/bin/sleep']);
      const imageRuntime = createRuncRuntime({ rootfs: { 'tiny:1': imageRoot } });
      const tiny = await startOn(imageRuntime, makeSpec(stateRoot, 'sbx-tiny', { image: 'tiny:1' }));
      expect(await run(tiny, { argv: ['cat', '/etc/hostname'] })).toMatchObject({ code: 0, stdout: 'sbx-tiny\n' });
      // The host's tools are not there; the image's are.
      expect((await run(tiny, { argv: ['sh', '-c', 'test -e /usr/bin/python3 || test -e /usr/bin/env; echo $?'] })).stdout).toBe(
        '1\n',
      );
      expect((await run(tiny, { argv: ['sh', '-c', 'echo written > /bin/new-file'] })).code).toBe(0);
      expect(existsSync(join(imageRoot, 'bin', 'new-file'))).toBe(false);
      await tiny.destroy();
    });

    it('reapLeftovers removes a container a crashed run left behind', async () => {
      const crashRoot = await mkdtemp('/var/tmp/eci-runc-crash-');
      stateRoots.push(crashRoot);
      const marker = `543210.${process.pid}`;
      const spec = makeSpec(crashRoot, 'sbx-orphan', { command: ['sleep', marker] });
      const crashed = createRuncRuntime();
      // Started, then "forgotten": no stop, no destroy (afterAll still destroys it if reaping fails).
      const orphan = await startOn(crashed, spec);
      await waitFor(async () => (await hostProcessesWith(`sleep ${marker}`, true)).length === 1, 'the orphan to run');
      expect(await mountsWithin(crashRoot)).not.toEqual([]);

      await createRuncRuntime().reapLeftovers(crashRoot);
      expect(await orphan.exited).toBe(137);
      await waitFor(async () => (await hostProcessesWith(marker)).length === 0, 'no process left');
      expect(await mountsWithin(crashRoot)).toEqual([]);
      expect(existsSync(spec.stateDir)).toBe(false);
    });
  },
);

/** A minimal root file system: the given host programs and the libraries ldd says they need. */
async function buildTinyRootfs(root: string, programs: string[]): Promise<void> {
  const files = new Set<string>();
  for (const program of programs) {
    files.add(program);
    const linked = await new Promise<string>((resolve) => execFile('ldd', [program], (_error, stdout) => resolve(stdout ?? '')));
    for (const match of linked.matchAll(/(\/\S+)/g)) if (match[1]) files.add(match[1]);
  }
  for (const file of files) {
    await mkdir(join(root, dirname(file)), { recursive: true });
    await copyFile(await realpath(file), join(root, file));
    await chmod(join(root, file), 0o755);
  }
}

/** Everything a stream carries, as text. */
function collect(stream: Readable | null): { text: () => string; ended: Promise<void> } {
  let text = '';
  if (!stream) return { text: () => '', ended: Promise.resolve() };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  return { text: () => text, ended };
}

/** Runs one exec to the end: exit code, stdout and stderr. */
async function run(
  sandbox: RunningSandbox,
  spec: Partial<ExecSpec> & { argv: string[] },
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const handle = sandbox.exec({ tty: false, ...spec });
  const stdout = collect(handle.stdout);
  const stderr = collect(handle.stderr);
  handle.stdin.end(stdin);
  const code = await handle.exited;
  await Promise.all([stdout.ended, stderr.ended]);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Polls `condition` until it holds; throws naming `what` after the deadline. */
async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/**
 * Host pids (other than this one) whose command line contains `marker` (or, with `startsWith`,
 * begins with it: the process itself, not a runc or shell that has it among its arguments).
 */
async function hostProcessesWith(marker: string, startsWith = false): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      const state = await readFile(`/proc/${entry}/stat`, 'utf8');
      const matches = startsWith ? commandLine.startsWith(marker) : commandLine.includes(marker);
      if (matches && !/\) Z /.test(state)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Mount points (from /proc/self/mountinfo) at or under `directory`. */
async function mountsWithin(directory: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point === directory || point.startsWith(`${directory}/`));
}
