import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';

/** What a finished helper command returned. */
export interface CommandResult {
  /** Exit code; a signal n gives 128 + n; -1 when the command could not be started. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a short helper command (mount, umount, runc state…) and never throws. */
export function runCommand(file: string, args: string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const failure = error as NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null };
        let code = -1;
        if (typeof failure.code === 'number') code = failure.code;
        else if (failure.signal) code = exitCodeForSignal(failure.signal);
        resolve({ code, stdout: stdout ?? '', stderr: (stderr ?? '') || failure.message });
      },
    );
  });
}

/** 128 + the signal's number, the shell's convention for "killed by a signal". */
export function exitCodeForSignal(signal: NodeJS.Signals | string): number {
  const number = (signalNumbers as Record<string, number | undefined>)[signal];
  return 128 + (number ?? 9);
}

const signalNumbers: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
};

/** Finds an executable: an absolute path as is, else PATH and the usual sbin directories. */
export async function findExecutable(name: string): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutable(name)) ? name : undefined;
  const directories = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  for (const directory of directories) {
    const candidate = join(directory, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Mount points of this process's mount namespace, from /proc/self/mountinfo. */
export async function listMountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length > 4 && fields[4]) points.push(unescapeMountPath(fields[4]));
  }
  return points;
}

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Whether `path` is `directory` itself or inside it (both absolute and normalised). */
export function isWithin(path: string, directory: string): boolean {
  if (path === directory) return true;
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  return path.startsWith(prefix);
}

/** Mount points at or under `directory`, deepest first. */
export async function mountsUnder(directory: string): Promise<string[]> {
  const points = (await listMountPoints()).filter((point) => isWithin(point, directory));
  return [...new Set(points)].sort((left, right) => right.length - left.length);
}

/**
 * Unmounts everything at or under `directory`, deepest first (a lazy detach when a plain
 * unmount is refused). Returns the mount points still there afterwards.
 */
export async function unmountAllUnder(directory: string): Promise<string[]> {
  for (let round = 0; round < 3; round += 1) {
    const points = await mountsUnder(directory);
    if (points.length === 0) return [];
    for (const point of points) {
      const plain = await runCommand('umount', [point]);
      if (plain.code !== 0) await runCommand('umount', ['-l', point]);
    }
  }
  return mountsUnder(directory);
}

/** Parent pid of every process, read from /proc/<pid>/stat. */
async function readParentPids(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = await readdir('/proc');
  } catch {
    return parents;
  }
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (entry) => {
        const stat = await readProcessStat(Number(entry));
        if (stat) parents.set(Number(entry), stat.parentPid);
      }),
  );
  return parents;
}

/** The fields of /proc/<pid>/stat this module needs; undefined when the process is gone. */
export async function readProcessStat(pid: number): Promise<{ parentPid: number; ttyNumber: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { parentPid: Number(rest[1]), ttyNumber: Number(rest[4]) };
  } catch {
    return undefined;
  }
}

/** The children of `pid`, each followed by its own descendants. */
export async function descendantPids(pid: number): Promise<number[]> {
  const parents = await readParentPids();
  const children = new Map<number, number[]>();
  for (const [child, parent] of parents) {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    if (found.includes(next)) continue;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** The direct children of `pid` (from /proc/<pid>/task/<pid>/children when the kernel has it). */
export async function childPids(pid: number): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    const parents = await readParentPids();
    return [...parents].filter(([, parent]) => parent === pid).map(([child]) => child);
  }
}

/** Sends `signal` to `pid` and every descendant; ignores processes already gone. */
export async function signalProcessTree(pid: number, signal: NodeJS.Signals): Promise<void> {
  const signalled = new Set<number>();
  // Twice: a child forked while the first pass ran is caught by the second.
  for (let pass = 0; pass < 2; pass += 1) {
    for (const target of [pid, ...(await descendantPids(pid))]) {
      if (signalled.has(target)) continue;
      signalled.add(target);
      try {
        process.kill(target, signal);
      } catch {
        // Already gone.
      }
    }
  }
}

/** Whether a process with this pid exists (and is not a zombie). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

/** A devpts pseudo-terminal number from a tty_nr (major 136-143), else undefined. */
export function ptsNumberFromTtyNumber(ttyNumber: number): number | undefined {
  const major = (ttyNumber >> 8) & 0xfff;
  const minor = (ttyNumber & 0xff) | ((ttyNumber >> 12) & 0xfff00);
  if (major < 136 || major > 143) return undefined;
  return (major - 136) * 256 + minor;
}

/** Whether the host lets this process create cgroups with cpu and memory limits. */
export interface CgroupSupport {
  limits: boolean;
  version: 1 | 2 | undefined;
  note: string;
}

/**
 * Probes cgroup support by creating (and removing) a cgroup where runc puts a container given a
 * relative path: v1, under this process's own cgroup in the cpu and memory hierarchies; v2,
 * beside it.
 */
export async function probeCgroups(): Promise<CgroupSupport> {
  let ownCgroups = '';
  try {
    ownCgroups = await readFile('/proc/self/cgroup', 'utf8');
  } catch {
    return { limits: false, version: undefined, note: 'no /proc/self/cgroup; cgroup limits skipped' };
  }
  const probeName = `eci-runc-probe-${process.pid}-${Date.now()}`;
  const isUnified = await pathExists('/sys/fs/cgroup/cgroup.controllers');
  if (isUnified) {
    // runc puts a relative cgroup path beside this process's cgroup (under its parent, which
    // has no processes of its own and so may delegate controllers).
    const own = dirname(/^0::(.*)$/m.exec(ownCgroups)?.[1] ?? '/');
    const probe = join('/sys/fs/cgroup', own, probeName);
    try {
      await mkdir(probe);
    } catch (error) {
      return { limits: false, version: 2, note: `cgroup v2 is not writable (${describeError(error)}); cgroup limits skipped` };
    }
    try {
      const controllers = (await readFile(join(probe, 'cgroup.controllers'), 'utf8')).split(/\s+/);
      const missing = ['cpu', 'memory'].filter((name) => !controllers.includes(name));
      if (missing.length > 0) {
        return {
          limits: false,
          version: 2,
          note: `cgroup v2 controllers ${missing.join(', ')} are not delegated to ${own}; cgroup limits skipped`,
        };
      }
      return { limits: true, version: 2, note: 'cgroup v2 limits enabled' };
    } finally {
      await rmdir(probe).catch(() => undefined);
    }
  }
  for (const controller of ['memory', 'cpu']) {
    const line = ownCgroups.split('\n').find((entry) => entry.split(':')[1]?.split(',').includes(controller));
    const own = line?.split(':')[2] ?? '/';
    const probe = join('/sys/fs/cgroup', controller, own, probeName);
    try {
      await mkdir(probe);
      await rmdir(probe);
    } catch (error) {
      return {
        limits: false,
        version: 1,
        note: `cgroup v1 ${controller} hierarchy is not writable (${describeError(error)}); cgroup limits skipped`,
      };
    }
  }
  return { limits: true, version: 1, note: 'cgroup v1 limits enabled' };
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
