import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuncRuntime, detectRunc } from '../src/runtime/runc.js';

// What happens to sandboxes when the emulator process dies without cleaning up (SIGKILL).
// Skipped without root and runc, unless ECI_SANDBOX_REQUIRE_RUNC=1 (then it fails).
const detection = await detectRunc();
const required = process.env.ECI_SANDBOX_REQUIRE_RUNC === '1';

if (!detection.usable && required) {
  describe('runc runtime crash safety (required by ECI_SANDBOX_REQUIRE_RUNC=1)', () => {
    it('can use runc on this machine', () => {
      throw new Error(`runc runtime is not usable: ${detection.reason}`);
    });
  });
}

describe.skipIf(!detection.usable)(
  `runc runtime when its process dies${detection.usable ? '' : ` (skipped: ${detection.reason})`}`,
  () => {
    let work = '';
    let owner: ChildProcess | undefined;

    afterAll(async () => {
      owner?.kill('SIGKILL');
      if (work) {
        await createRuncRuntime().reapLeftovers(work);
        const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
        if (!mountinfo.includes(work)) await rm(work, { recursive: true, force: true });
      }
    });

    it('takes its containers (main process and execs) down with it, even on SIGKILL', async () => {
      work = await mkdtemp('/var/tmp/eci-runc-owner-');
      // The owner is a separate Node process running the runtime (bundled from source).
      const { build } = await import('tsup');
      await build({
        entry: { runc: fileURLToPath(new URL('../src/runtime/runc.ts', import.meta.url)) },
        outDir: join(work, 'dist'),
        format: ['esm'],
        platform: 'node',
        target: 'node20',
        noExternal: [/.*/],
        config: false,
        silent: true,
        dts: false,
        sourcemap: false,
        splitting: false,
      });
      const marker = `321098.${process.pid}`;
      const stateDir = join(work, 'sandboxes', 'sbx-owned');
      const script = join(work, 'owner.mjs');
      await writeFile(
        script,
        [
          `import { createRuncRuntime } from './dist/runc.js';`,
          `const sandbox = await createRuncRuntime().start({ id: 'sbx-owned', name: 'sbx-owned', containerName: 'main', image: 'host',`,
          `  command: ['sleep', '${marker}1'], args: [], env: {}, stateDir: ${JSON.stringify(stateDir)} });`,
          `sandbox.exec({ argv: ['sleep', '${marker}2'], tty: false });`,
          `sandbox.exec({ argv: ['sleep', '${marker}3'], tty: true });`,
          `console.log('ready');`,
          `setInterval(() => {}, 60_000);`,
        ].join('\n'),
      );
      owner = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      owner.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      await waitFor(() => output.includes('ready'), 'the owner to start its sandbox');
      await waitFor(async () => (await hostProcessesStartingWith(`sleep ${marker}`)).length === 3, 'main and exec processes');

      owner.kill('SIGKILL');
      await waitFor(
        async () => (await hostProcessesStartingWith(`sleep ${marker}`)).length === 0,
        'the sandbox processes to end',
      );
      await waitFor(
        async () => !(await readFile('/proc/self/mountinfo', 'utf8')).includes(stateDir),
        'the overlay to be detached',
      );
      expect(await hostProcessesStartingWith(`sleep ${marker}`)).toEqual([]);
    });
  },
);

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** Live host processes whose command line begins with `prefix`. */
async function hostProcessesStartingWith(prefix: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.replace(/\0/g, ' ').startsWith(prefix)) found.push(Number(entry));
  }
  return found;
}
