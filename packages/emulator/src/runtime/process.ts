import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { childPids, isAlive, killMarked, signalQuietly, terminalOf } from '../internal/process-tree.js';
import type { ExecHandle, ExecSpec, RunningSandbox, SandboxRuntime, SandboxSpec } from './types.js';

/**
 * Environment variable set in every process of a process-runtime sandbox; its value is the
 * sandbox's state directory, `#`, and an id of this start. It lets `stop()` find processes that
 * left their process group (tmux servers, `setsid`) — of this start only, so stopping a superseded
 * start never touches a newer one — and lets a later run reap what a crashed one left behind.
 */
export const SANDBOX_MARKER_VARIABLE = 'ECI_EMULATOR_SANDBOX';

/** Marks a sandbox directory as made by this runtime, so reaping never touches anything else. */
const OWNER_FILE = '.process-runtime';

export interface ProcessRuntimeOptions {
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 1000 ms. */
  stopGraceMs?: number;
}

/**
 * The `process` runtime: each sandbox is a directory (HOME and working directory, its own TMPDIR
 * and tmux socket directory) and its processes run on the host in their own process groups.
 * It isolates nothing: sandboxed commands see the host's file system, network and processes.
 * Images are not pulled; the image name is recorded and ignored.
 */
export function createProcessRuntime(options: ProcessRuntimeOptions = {}): SandboxRuntime {
  const stopGraceMs = options.stopGraceMs ?? 1000;
  return {
    name: 'process',
    isolated: false,
    start: (spec) => startSandbox(spec, stopGraceMs),
    reapLeftovers,
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (osConstants.signals[signal] ?? 9) : 0;
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + signalNumber(signal);
}

/** Quotes one argument for /bin/sh. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

interface SandboxPaths {
  home: string;
  tmp: string;
  tmux: string;
  pids: string;
  log: string;
  previousLog: string;
}

function pathsOf(stateDir: string): SandboxPaths {
  return {
    home: join(stateDir, 'home'),
    tmp: join(stateDir, 'tmp'),
    tmux: join(stateDir, 'tmux'),
    pids: join(stateDir, 'pids'),
    log: join(stateDir, 'main.log'),
    previousLog: join(stateDir, 'main.previous.log'),
  };
}

async function startSandbox(spec: SandboxSpec, stopGraceMs: number): Promise<RunningSandbox> {
  const paths = pathsOf(spec.stateDir);
  await Promise.all([paths.home, paths.tmp, paths.tmux, paths.pids].map((dir) => mkdir(dir, { recursive: true, mode: 0o700 })));
  await writeFile(join(spec.stateDir, OWNER_FILE), `${spec.id}\n`);
  // A restart keeps the file system; the previous container's log stays readable apart.
  if (existsSync(paths.log)) await rename(paths.log, paths.previousLog);

  const marker = `${spec.stateDir}#${randomBytes(6).toString('hex')}`;
  const baseEnvironment: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
    HOME: paths.home,
    TMPDIR: paths.tmp,
    TMUX_TMPDIR: paths.tmux,
    HOSTNAME: spec.name,
    ...spec.env,
    [SANDBOX_MARKER_VARIABLE]: marker,
  };
  const defaultCwd = spec.workingDir && isDirectory(spec.workingDir) ? spec.workingDir : paths.home;

  const groups = new Set<number>();
  const track = async (pid: number | undefined): Promise<void> => {
    if (pid === undefined) return;
    groups.add(pid);
    await writeFile(join(paths.pids, String(pid)), '').catch(() => undefined);
  };
  const untrack = (pid: number | undefined): void => {
    if (pid === undefined) return;
    groups.delete(pid);
    void unlink(join(paths.pids, String(pid))).catch(() => undefined);
  };

  // Both empty means "keep running until deleted"; Args alone stand in for the image's entrypoint.
  const argv = [...spec.command, ...spec.args];
  const mainArgv = argv.length > 0 ? argv : ['sleep', 'infinity'];
  const logFd = openSync(paths.log, 'a');
  let main: ChildProcess;
  try {
    main = spawn(mainArgv[0] as string, mainArgv.slice(1), {
      cwd: defaultCwd,
      env: baseEnvironment,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  // Listen before any await: a short command can exit before the next tick.
  const mainExited = new Promise<number>((resolve) => {
    main.once('error', (error) => {
      void writeFile(paths.log, `${mainArgv[0]}: ${error.message}\n`, { flag: 'a' }).finally(() => resolve(127));
    });
    main.once('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
  await track(main.pid);
  void mainExited.then(() => untrack(main.pid));

  const execs = new Set<{ pid: number | undefined; exited: Promise<number> }>();
  let stopped: Promise<void> | undefined;
  let destroyed: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const pid of groups) signalQuietly(-pid, 'SIGTERM');
      const allExited = Promise.all([mainExited, ...[...execs].map((item) => item.exited)]);
      await Promise.race([allExited, new Promise((resolve) => setTimeout(resolve, stopGraceMs).unref())]);
      for (const pid of groups) signalQuietly(-pid, 'SIGKILL');
      await killMarked(SANDBOX_MARKER_VARIABLE, (value) => value === marker);
      await Promise.race([allExited, new Promise((resolve) => setTimeout(resolve, stopGraceMs).unref())]);
    })();
    return stopped;
  };

  const exec = (execSpec: ExecSpec): ExecHandle => {
    if (stopped) throw new Error('the sandbox is stopped');
    const handle = startExec(execSpec, {
      env: { ...baseEnvironment, ...execSpec.env, [SANDBOX_MARKER_VARIABLE]: marker },
      cwd: execSpec.cwd ?? defaultCwd,
    });
    const entry = { pid: handle.pid, exited: handle.exited };
    execs.add(entry);
    void track(handle.pid);
    void handle.exited.then(() => {
      execs.delete(entry);
      untrack(handle.pid);
    });
    return handle;
  };

  return {
    exited: mainExited,
    exec,
    readLog: async () => {
      try {
        return await readFile(paths.log);
      } catch {
        return Buffer.alloc(0);
      }
    },
    stop,
    destroy: () => {
      destroyed ??= (async () => {
        await stop();
        await rm(spec.stateDir, { recursive: true, force: true });
      })();
      return destroyed;
    },
  };
}

/** How long output may stay silent after the process exited before the stream is ended anyway. */
const ORPHAN_OUTPUT_IDLE_MS = 250;

/**
 * Waits for the exited process's output pipes to end. A background child that inherited them
 * (`cmd &`) would hold them open forever, so once nothing arrives for a while, and nothing is held
 * back by a slow reader, the pipes are cut and the exec ends.
 */
function drainAfterExit(child: ChildProcess, targets: PassThrough[]): Promise<void> {
  const sources = [child.stdout, child.stderr].filter((stream) => stream !== null);
  return new Promise((resolve) => {
    let lastActivity = Date.now();
    const onData = () => (lastActivity = Date.now());
    for (const stream of sources) stream.on('data', onData);
    const finish = () => {
      clearInterval(timer);
      sources.forEach((stream) => {
        stream.off('data', onData);
        stream.unpipe();
        if (!stream.readableEnded) stream.destroy();
      });
      resolve();
    };
    const check = () => {
      if (sources.every((stream) => stream.readableEnded || stream.destroyed)) return finish();
      const heldBack = targets.some((target) => target.writableNeedDrain) || sources.some((stream) => stream.readableLength > 0);
      if (heldBack) lastActivity = Date.now();
      else if (Date.now() - lastActivity >= ORPHAN_OUTPUT_IDLE_MS) finish();
    };
    const timer = setInterval(check, 25);
    check();
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

interface ProcessExecHandle extends ExecHandle {
  readonly pid: number | undefined;
}

function startExec(spec: ExecSpec, context: { env: Record<string, string>; cwd: string }): ProcessExecHandle {
  const [program, ...rest] = spec.argv;
  if (program === undefined) throw new Error('argv must not be empty');
  const cols = spec.cols ?? 80;
  const rows = spec.rows ?? 24;
  // Without native pty bindings, util-linux `script` gives the command a pseudo-terminal; the
  // initial size is set from inside before the command replaces the shell.
  const child = spec.tty
    ? spawn(
        'script',
        ['-qfec', `stty cols ${cols} rows ${rows} 2>/dev/null; exec ${spec.argv.map(shellQuote).join(' ')}`, '/dev/null'],
        {
          cwd: context.cwd,
          env: { TERM: 'xterm-256color', SHELL: '/bin/sh', ...context.env },
          detached: true,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      )
    : spawn(program, rest, { cwd: context.cwd, env: context.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  child.stdout?.pipe(stdout);
  if (spec.tty) {
    // script reports its own troubles on stderr; under a TTY everything belongs on stdout.
    child.stderr?.pipe(stdout, { end: false });
  } else {
    child.stderr?.pipe(stderr);
  }
  const stdin = child.stdin ?? new PassThrough();
  stdin.on('error', () => undefined); // EPIPE when the process exits before reading its input

  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      const target = spec.tty ? stdout : stderr;
      target.end(`exec: "${program}": ${error.message}\n`);
      if (!spec.tty) stdout.end();
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      void drainAfterExit(child, [stdout, stderr]).then(() => {
        stdout.end();
        stderr.end();
        resolve(exitCodeOf(code, signal));
      });
    });
  });

  const terminalProcesses = async (): Promise<number[]> => (child.pid ? childPids(child.pid) : []);

  // Resizes are applied one at a time, the latest wins, and each is checked: `stty -F` on the
  // pty's slave side sets the size (the kernel sends SIGWINCH), and a failed attempt is retried
  // for a while, since the command may not have its terminal yet.
  let wantedSize: { cols: number; rows: number } | undefined;
  let resizing = false;
  let terminalPath: string | undefined;
  const findTerminal = async (): Promise<string | undefined> => {
    if (terminalPath) return terminalPath;
    for (const pid of await terminalProcesses()) {
      const terminal = await terminalOf(pid);
      if (terminal) {
        terminalPath = terminal;
        return terminal;
      }
    }
    return undefined;
  };
  const runStty = (terminal: string, size: { cols: number; rows: number }): Promise<boolean> =>
    new Promise((resolve) => {
      spawn('stty', ['-F', terminal, 'cols', String(size.cols), 'rows', String(size.rows)], { stdio: 'ignore' })
        .on('error', () => resolve(false))
        .on('exit', (code) => resolve(code === 0));
    });
  const applyResizes = async (): Promise<void> => {
    resizing = true;
    try {
      for (let attempt = 0; attempt < 80 && wantedSize; attempt += 1) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const size = wantedSize;
        const terminal = await findTerminal();
        if (terminal && (await runStty(terminal, size))) {
          if (wantedSize === size) wantedSize = undefined;
          continue;
        }
        terminalPath = undefined;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      resizing = false;
    }
  };

  return {
    pid: child.pid,
    stdin,
    stdout,
    stderr: spec.tty ? null : stderr,
    exited,
    resize(newCols, newRows) {
      if (!spec.tty || !child.pid) return;
      wantedSize = { cols: newCols, rows: newRows };
      if (!resizing) void applyResizes();
    },
    kill(signal = 'SIGKILL') {
      if (!child.pid) return;
      signalQuietly(-child.pid, signal);
      if (spec.tty) {
        // The command runs in its own session on the pty, outside script's process group.
        void terminalProcesses().then((pids) => {
          for (const pid of pids) if (!signalQuietly(-pid, signal)) signalQuietly(pid, signal);
        });
      }
    },
  };
}

/**
 * Kills what a crashed run left: every process group named by a pid file and every process
 * carrying the marker of a sandbox under `stateDir`, then removes those sandbox directories.
 */
async function reapLeftovers(stateDir: string): Promise<void> {
  const sandboxesDir = join(stateDir, 'sandboxes');
  let entries: string[];
  try {
    entries = await readdir(sandboxesDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(sandboxesDir, entry);
    if (!existsSync(join(dir, OWNER_FILE))) continue;
    let pids: string[] = [];
    try {
      pids = await readdir(join(dir, 'pids'));
    } catch {
      // no pid files: nothing was running
    }
    for (const name of pids) {
      const pid = Number(name);
      if (Number.isInteger(pid) && pid > 1 && isAlive(-pid)) signalQuietly(-pid, 'SIGKILL');
    }
    await killMarked(SANDBOX_MARKER_VARIABLE, (value) => value.startsWith(`${dir}#`));
    await rm(dir, { recursive: true, force: true });
  }
}
