import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRunner } from '../src/local-runner.js';
import type { ShellRunner, ShellRunOptions } from '../src/shell-runner.js';
import { TmuxKit, type TmuxKitOptions } from '../src/tmux-kit.js';

export const tmuxInstalled = spawnSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' }).status === 0;
export const tmuxRequired = process.env.ECI_SANDBOX_REQUIRE_TMUX === '1';
/** Skip the tmux suites when tmux is missing, unless CI demands them (then they fail). */
export const skipTmux = !tmuxInstalled && !tmuxRequired;
export const skipReason = skipTmux
  ? ' (skipped: tmux is not installed; apt-get install tmux, or set ECI_SANDBOX_REQUIRE_TMUX=1 to fail instead)'
  : '';

/** An isolated tmux world: its own TMUX_TMPDIR (so its own server socket) and job root. */
export interface TmuxWorld {
  directory: string;
  rootDir: string;
  env: Record<string, string | undefined>;
  runner: ShellRunner;
  kit(options?: TmuxKitOptions): TmuxKit;
  /** Kills the world's tmux server (and so every job in it) and deletes its files. */
  dispose(): Promise<void>;
}

export function createTmuxWorld(): TmuxWorld {
  const directory = mkdtempSync(join(tmpdir(), 'tmux-kit-'));
  const rootDir = join(directory, 'jobs');
  const env = { TMUX_TMPDIR: directory, TMUX: undefined, TMUX_PANE: undefined };
  const runner = createLocalRunner({ env });
  return {
    directory,
    rootDir,
    env,
    runner,
    kit: (options) => new TmuxKit(runner, { rootDir, ...options }),
    async dispose() {
      await runner('tmux kill-server 2>/dev/null; true', { timeoutMs: 10_000 });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Wraps a runner and counts its calls. */
export function countingRunner(inner: ShellRunner): ShellRunner & { calls: number } {
  const counted = Object.assign(
    (script: string, options?: ShellRunOptions) => {
      counted.calls += 1;
      return inner(script, options);
    },
    { calls: 0 },
  );
  return counted;
}

/** Polls `check` until it returns true or the deadline passes. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
