import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

/** A process that removes a container if the emulator dies without cleaning up. */
export interface Watchdog {
  /** Ends the watchdog without it touching the container (normal cleanup happened). */
  disarm(): Promise<void>;
}

/**
 * The watchdog is a tiny host shell blocked reading a pipe whose only writer is this Node
 * process. Node never writes; when Node dies (even by SIGKILL) the pipe closes, `read` returns,
 * and the shell kills and deletes the container and detaches its overlay, so no sandbox process
 * outlives the emulator. A normal stop or destroy SIGKILLs the watchdog first, so it never acts
 * on a container started later under the same name.
 */
const watchdogScript = [
  'read -r _ignored',
  '"$1" --root "$2" kill "$3" KILL',
  '"$1" --root "$2" delete --force "$3"',
  'umount -l "$4"',
].join('\n');

export function armWatchdog(options: { runcPath: string; runcRoot: string; containerId: string; rootfs: string }): Watchdog {
  const child = spawn(
    '/bin/sh',
    ['-c', watchdogScript, 'eci-runc-watchdog', options.runcPath, options.runcRoot, options.containerId, options.rootfs],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  // Neither the process nor the pipe keeps the emulator alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    async disarm(): Promise<void> {
      child.kill('SIGKILL');
      await Promise.race([exited, delay(2_000)]);
    },
  };
}
