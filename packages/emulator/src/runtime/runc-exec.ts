import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExecHandle, ExecSpec } from './types.js';
import {
  childPids,
  exitCodeForSignal,
  ptsNumberFromTtyNumber,
  readProcessStat,
  runCommand,
  shellQuote,
  signalProcessTree,
} from './runc-host.js';

/** Where and how an exec joins its container. */
export interface RuncExecContext {
  runcPath: string;
  runcRoot: string;
  containerId: string;
  /** A fresh path for runc's --pid-file (the exec'd process's host pid). */
  pidFile: string;
  /** The sandbox's own environment (the container's process env), to pick TTY defaults. */
  sandboxEnv: Record<string, string>;
}

/** An exec handle the sandbox can also force down while cleaning up. */
export interface RuncExecHandle extends ExecHandle {
  /** SIGKILLs the host-side `runc exec` and the process tree it started. */
  forceKill(): void;
}

/** What `runc exec` exits with when it could not start the process at all. */
const runcFailureCode = 255;
const defaultColumns = 80;
const defaultRows = 24;
const resizeDeadlineMs = 5_000;
const pidFileDeadlineMs = 5_000;
const resizePollMs = 25;

/**
 * Starts `runc exec` in a running container, like `docker exec`. Without a TTY the process's
 * stdio are runc's (pipes). With a TTY, runc has no terminal of its own: util-linux `script`
 * runs INSIDE the container, gives the command a pseudo-terminal from the container's devpts,
 * and resizing runs `stty -F /dev/pts/N` in the container.
 */
export function startRuncExec(context: RuncExecContext, spec: ExecSpec): RuncExecHandle {
  const envArgs: string[] = [];
  for (const [key, value] of Object.entries(spec.env ?? {})) envArgs.push('--env', `${key}=${value}`);

  let argv = spec.argv;
  let wrapperCommand: string | undefined;
  if (spec.tty) {
    const hasTerm = spec.env?.TERM !== undefined || context.sandboxEnv.TERM !== undefined;
    if (!hasTerm) envArgs.push('--env', 'TERM=xterm-256color');
    // `script -c` runs its command with $SHELL; force a POSIX sh for it and give the user's
    // command back the SHELL it should see.
    const userShell = spec.env?.SHELL ?? context.sandboxEnv.SHELL;
    envArgs.push('--env', 'SHELL=/bin/sh');
    const columns = positiveInteger(spec.cols, defaultColumns);
    const rows = positiveInteger(spec.rows, defaultRows);
    const restoreShell = userShell === undefined ? 'unset SHELL;' : `SHELL=${shellQuote(userShell)}; export SHELL;`;
    wrapperCommand =
      `stty cols ${columns} rows ${rows} 2>/dev/null; ${restoreShell} ` + `exec ${spec.argv.map(shellQuote).join(' ')}`;
    argv = ['script', '-qfec', wrapperCommand, '/dev/null'];
  }

  const args = ['--root', context.runcRoot, 'exec', '--pid-file', context.pidFile, ...envArgs];
  if (spec.cwd) args.push('--cwd', spec.cwd);
  args.push(context.containerId, ...argv);

  const child = spawn(context.runcPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const stdin = child.stdin as Writable;
  const childStdout = child.stdout as Readable;
  const childStderr = child.stderr as Readable;
  stdin.on('error', () => undefined);

  let stdout: Readable = childStdout;
  let stderr: Readable | null = childStderr;
  if (spec.tty) {
    // Under a TTY everything arrives on stdout, runc's own errors included.
    const merged = new PassThrough();
    let open = 2;
    const endOne = (): void => {
      open -= 1;
      if (open === 0) merged.end();
    };
    for (const source of [childStdout, childStderr]) {
      source.on('data', (chunk: Buffer) => merged.write(chunk));
      source.once('end', endOne);
      source.once('error', endOne);
    }
    stdout = merged;
    stderr = null;
  }

  // runc reports a process it could not start with its own exit code 255 and a log line on
  // stderr; keep the start of stderr to turn that into the shell's 127 / 126.
  let stderrHead = '';
  childStderr.on('data', (chunk: Buffer) => {
    if (stderrHead.length < 4096) stderrHead += chunk.toString('utf8');
  });

  let settled = false;
  const exited = new Promise<number>((resolve) => {
    const settle = (code: number): void => {
      if (settled) return;
      settled = true;
      rmSync(context.pidFile, { force: true });
      resolve(code);
    };
    child.once('error', () => settle(127));
    child.once('close', (code, signal) => {
      if (code === runcFailureCode && /unable to start container process/.test(stderrHead)) {
        settle(/executable file not found|no such file or directory/.test(stderrHead) && /exec: /.test(stderrHead) ? 127 : 126);
        return;
      }
      settle(code ?? exitCodeForSignal(signal ?? 'SIGKILL'));
    });
  });

  const readPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(context.pidFile, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };

  const kill = (signal: NodeJS.Signals = 'SIGTERM'): void => {
    if (settled) return;
    const pid = readPid();
    if (pid !== undefined) {
      void signalProcessTree(pid, signal);
      return;
    }
    // runc writes the pid file only after the process runs (it may have children already):
    // wait for it, so the whole tree gets the signal. Signalling runc instead (it forwards to
    // the process alone) would leave the children to the container's init.
    void (async () => {
      const deadline = Date.now() + pidFileDeadlineMs;
      while (!settled && Date.now() < deadline) {
        const late = readPid();
        if (late !== undefined) {
          await signalProcessTree(late, signal);
          return;
        }
        await delay(resizePollMs);
      }
      if (!settled) child.kill(signal);
    })();
  };

  let wantedSize: { columns: number; rows: number } | undefined;
  let resizing = false;
  const applyResize = async (): Promise<void> => {
    resizing = true;
    try {
      const deadline = Date.now() + resizeDeadlineMs;
      while (wantedSize && !settled && Date.now() < deadline) {
        const pts = await findTerminal(readPid(), wrapperCommand ?? '');
        if (pts === undefined) {
          await delay(resizePollMs);
          continue;
        }
        const size = wantedSize;
        wantedSize = undefined;
        await runCommand(context.runcPath, [
          '--root',
          context.runcRoot,
          'exec',
          context.containerId,
          'stty',
          '-F',
          `/dev/pts/${pts}`,
          'cols',
          String(size.columns),
          'rows',
          String(size.rows),
        ]);
      }
    } finally {
      resizing = false;
    }
  };

  return {
    stdin,
    stdout,
    stderr,
    exited,
    resize(columns: number, rows: number): void {
      if (!spec.tty || settled) return;
      wantedSize = { columns: positiveInteger(columns, defaultColumns), rows: positiveInteger(rows, defaultRows) };
      if (!resizing) void applyResize();
    },
    kill,
    forceKill(): void {
      if (settled) return;
      kill('SIGKILL');
      child.kill('SIGKILL');
    },
  };
}

/**
 * The pts number of the command `script` runs: the child of the exec'd `script` process, once it
 * has replaced the wrapper shell (so the wrapper's initial `stty` cannot undo a resize).
 */
async function findTerminal(scriptPid: number | undefined, wrapperCommand: string): Promise<number | undefined> {
  if (scriptPid === undefined) return undefined;
  for (const pid of await childPids(scriptPid)) {
    let commandLine = '';
    try {
      commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (commandLine.includes(wrapperCommand)) continue;
    const stat = await readProcessStat(pid);
    const pts = stat ? ptsNumberFromTtyNumber(stat.ttyNumber) : undefined;
    if (pts !== undefined) return pts;
  }
  return undefined;
}

/** A handle for an exec that cannot run (the sandbox is not running): it ends at once. */
export function failedExec(message: string, tty: boolean): RuncExecHandle {
  const stdin = new PassThrough();
  stdin.resume();
  const stdout = new PassThrough();
  const stderr = tty ? null : new PassThrough();
  (stderr ?? stdout).end(`${message}\n`);
  if (stderr) stdout.end();
  return {
    stdin,
    stdout,
    stderr,
    exited: Promise.resolve(126),
    resize: () => undefined,
    kill: () => undefined,
    forceKill: () => undefined,
  };
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
