import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createProcessRuntime } from './process.js';
import type { SandboxRuntime } from './types.js';

const run = promisify(execFile);

/** Which runtime to use: `auto` picks runc when it works here, else process. */
export type RuntimeKind = 'auto' | 'runc' | 'process';

export interface RuntimeChoice {
  runtime: SandboxRuntime;
  /** Why this runtime was picked (e.g. "auto: not root, so process"). */
  reason: string;
}

type RuncModule = {
  createRuncRuntime?: (options?: Record<string, unknown>) => SandboxRuntime | Promise<SandboxRuntime>;
  detectRunc?: () => Promise<{ usable: boolean; reason: string }>;
};

/** Loads the runc runtime module (./runc.ts, built in parallel); a clear error while it is absent. */
async function loadRuncModule(): Promise<RuncModule> {
  let module: RuncModule;
  try {
    // @ts-ignore -- runc.ts may not exist yet in a checkout; tsup marks it external then.
    module = (await import('./runc.js')) as RuncModule;
  } catch (error) {
    throw new Error(`the runc runtime is not available in this build (${(error as Error).message}); use runtime: 'process'`);
  }
  if (typeof module.createRuncRuntime !== 'function') {
    throw new Error("the runc runtime module does not export createRuncRuntime; use runtime: 'process'");
  }
  return module;
}

/** Why runc cannot run here, or undefined when root, runc and an overlay mount all work. */
async function runcUnavailableReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `${process.platform} is not Linux`;
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    await run('runc', ['--version']);
  } catch {
    return 'runc is not installed (not on PATH)';
  }
  try {
    const filesystems = await readFile('/proc/filesystems', 'utf8');
    if (!/\soverlay$/m.test(filesystems)) return 'the kernel has no overlay file system';
  } catch {
    return '/proc/filesystems is unreadable';
  }
  const probe = await mkdtemp(join(tmpdir(), 'eci-overlay-probe-'));
  try {
    const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((name) => join(probe, name)) as [string, string, string, string];
    await Promise.all([lower, upper, work, merged].map((dir) => mkdir(dir)));
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    await run('umount', [merged]);
  } catch (error) {
    return `an overlay mount failed (${(error as Error).message.split('\n')[0]})`;
  } finally {
    await rm(probe, { recursive: true, force: true }).catch(() => undefined);
  }
  return undefined;
}

/** Picks and creates the runtime, saying why. */
export async function selectRuntime(
  kind: RuntimeKind | SandboxRuntime,
  runcOptions: Record<string, unknown> = {},
): Promise<RuntimeChoice> {
  if (typeof kind === 'object') return { runtime: kind, reason: `a custom ${kind.name} runtime was given` };
  if (kind === 'process') return { runtime: createProcessRuntime(), reason: "runtime: 'process' was asked for" };
  if (kind === 'runc') {
    const module = await loadRuncModule();
    return { runtime: await module.createRuncRuntime!(runcOptions), reason: "runtime: 'runc' was asked for" };
  }
  let module: RuncModule;
  try {
    module = await loadRuncModule();
  } catch (error) {
    return { runtime: createProcessRuntime(), reason: `auto: ${(error as Error).message}, so the process runtime (no isolation)` };
  }
  // The runc module's own check runs a trial container; without it, probe root, runc and overlay.
  const detection = module.detectRunc
    ? await module.detectRunc()
    : await runcUnavailableReason().then((reason) => ({ usable: reason === undefined, reason: reason ?? 'root, runc and overlay mounts work' }));
  if (!detection.usable) {
    return { runtime: createProcessRuntime(), reason: `auto: ${detection.reason}, so the process runtime (no isolation)` };
  }
  return { runtime: await module.createRuncRuntime!(runcOptions), reason: `auto: runc works here (${detection.reason})` };
}
