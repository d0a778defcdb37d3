import { createProcessRuntime } from './process.js';
import { createRuncRuntime, detectRunc } from './runc.js';
import type { RuncRuntimeOptions } from './runc.js';
import type { SandboxRuntime } from './types.js';

/** Which runtime to use: `auto` picks runc when it works here, else process. */
export type RuntimeKind = 'auto' | 'runc' | 'process';

export interface RuntimeChoice {
  runtime: SandboxRuntime;
  /** Why this runtime was picked (e.g. "auto: not running as root, so the process runtime"). */
  reason: string;
}

/** Picks and creates the runtime, saying why. */
export async function selectRuntime(
  kind: RuntimeKind | SandboxRuntime,
  runcOptions: RuncRuntimeOptions = {},
): Promise<RuntimeChoice> {
  if (typeof kind === 'object') return { runtime: kind, reason: `a custom ${kind.name} runtime was given` };
  if (kind === 'process') return { runtime: createProcessRuntime(), reason: "runtime: 'process' was asked for" };
  if (kind === 'runc') return { runtime: createRuncRuntime(runcOptions), reason: "runtime: 'runc' was asked for" };
  // detectRunc checks root, runc and overlay, then runs a trial container.
  const detection = await detectRunc(runcOptions.runcPath === undefined ? {} : { runcPath: runcOptions.runcPath });
  if (!detection.usable) {
    return { runtime: createProcessRuntime(), reason: `auto: ${detection.reason}, so the process runtime (no isolation)` };
  }
  return { runtime: createRuncRuntime(runcOptions), reason: `auto: runc works here (${detection.reason})` };
}
