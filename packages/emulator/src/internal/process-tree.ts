import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * Process bookkeeping on Linux through /proc, without native modules. Every helper degrades to
 * "nothing found" where /proc is missing (other systems), so callers fall back to process groups.
 */

/** Every pid on the machine, or `[]` without /proc. */
export async function listPids(): Promise<number[]> {
  try {
    const entries = await readdir('/proc');
    return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
  } catch {
    return [];
  }
}

/** The parent pid of `pid`, from /proc/PID/stat (the field after the parenthesised command). */
export async function parentPid(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of `pid` (a scan of /proc: /proc/PID/task/TID/children is often compiled out). */
export async function childPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const candidate of await listPids()) {
    if ((await parentPid(candidate)) === pid) children.push(candidate);
  }
  return children;
}

/** The terminal device a process has on fd 0 (`/dev/pts/N`), if any. */
export async function terminalOf(pid: number): Promise<string | undefined> {
  try {
    const target = await readlink(`/proc/${pid}/fd/0`);
    return target.startsWith('/dev/pts/') ? target : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pids whose environment holds `name=value` where value satisfies `match`. Processes inherit the
 * marker variable, including daemons that leave the process group (tmux servers, `setsid`), so
 * this finds what killing a process group misses.
 */
export async function pidsWithEnvironment(name: string, match: (value: string) => boolean): Promise<number[]> {
  const prefix = `${name}=`;
  const found: number[] = [];
  for (const pid of await listPids()) {
    if (pid === process.pid) continue;
    let environment: string;
    try {
      environment = await readFile(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    for (const entry of environment.split('\0')) {
      if (entry.startsWith(prefix) && match(entry.slice(prefix.length))) {
        found.push(pid);
        break;
      }
    }
  }
  return found;
}

/** Sends a signal, ignoring processes that are already gone. Negative pid = process group. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process (or, for a negative pid, a process group) still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * SIGKILLs every process carrying the marker until none is left (a few rounds: a dying shell
 * can fork once more). Zombies are not counted: they hold no resources and their parent reaps them.
 */
export async function killMarked(name: string, match: (value: string) => boolean): Promise<void> {
  for (let round = 0; round < 5; round += 1) {
    const pids = [];
    for (const pid of await pidsWithEnvironment(name, match)) {
      if (!(await isZombie(pid))) pids.push(pid);
    }
    if (pids.length === 0) return;
    for (const pid of pids) signalQuietly(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function isZombie(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
