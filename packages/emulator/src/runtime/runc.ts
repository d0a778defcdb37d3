import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync, type Dirent } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { buildRuncConfig } from './runc-config.js';
import { failedExec, startRuncExec, type RuncExecHandle } from './runc-exec.js';
import {
  describeError,
  exitCodeForSignal,
  findExecutable,
  isProcessAlive,
  isWithin,
  mountsUnder,
  pathExists,
  probeCgroups,
  runCommand,
  unmountAllUnder,
  type CgroupSupport,
} from './runc-host.js';
import { armWatchdog, type Watchdog } from './runc-watchdog.js';
import type { ExecHandle, ExecSpec, RunningSandbox, SandboxRuntime, SandboxSpec } from './types.js';

/** Options of {@link createRuncRuntime}. */
export interface RuncRuntimeOptions {
  /**
   * The runc binary. Default: `runc` from PATH, else /usr/local/sbin, /usr/sbin, /sbin (and the
   * bin directories).
   */
  runcPath?: string;
  /**
   * Root file systems by image name: the sandbox's root is an overlay over that directory. An
   * image not listed here runs on an overlay over the host's `/`. Default: none.
   */
  rootfs?: Record<string, string>;
  /**
   * How long `stop()` waits after SIGTERM before it sends SIGKILL, in ms. A main process that
   * has no SIGTERM handler (PID 1 ignores it then, e.g. the keep-alive) is killed at once.
   * Default: 3000.
   */
  stopGraceMs?: number;
}

const optionsSchema = z.object({
  runcPath: z.string().min(1, 'runcPath: give a path to the runc binary, or leave it out').optional(),
  rootfs: z
    .record(
      z.string(),
      z
        .string()
        .refine(isAbsolute, 'rootfs: each root file system must be an absolute directory path')
        .refine(
          (path) => !/[,:\\\n]/.test(path),
          'rootfs: a root file system path must not contain ",", ":", "\\" or newlines (overlay mount options)',
        ),
    )
    .optional(),
  stopGraceMs: z.number().int('stopGraceMs: give whole milliseconds').min(0, 'stopGraceMs: must be 0 or more').optional(),
});

/** The file that marks a directory as one runc sandbox's state (found again by reapLeftovers). */
const markerFileName = 'eci-runc-sandbox.json';
const keepAliveArgv = ['sleep', 'infinity'];
const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const startDeadlineMs = 30_000;
const killWaitMs = 5_000;
/** How deep under the emulator's state directory reapLeftovers looks for sandbox directories. */
const reapDepth = 4;
/** Directories never hidden inside a sandbox even when a state directory sits right in them. */
const systemDirectories = new Set([
  '/',
  '/bin',
  '/boot',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/media',
  '/mnt',
  '/opt',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/usr',
  '/usr/bin',
  '/usr/lib',
  '/usr/local',
  '/usr/local/bin',
  '/usr/local/lib',
  '/usr/sbin',
  '/usr/share',
  '/var',
  '/var/cache',
  '/var/lib',
  '/var/log',
  '/var/run',
  '/var/tmp',
]);
/** Inside the sandbox these are fresh file systems already: nothing under them needs hiding. */
const freshInside = ['/tmp', '/proc', '/sys', '/dev'];

interface SandboxPaths {
  stateDir: string;
  marker: string;
  runcRoot: string;
  bundle: string;
  upper: string;
  work: string;
  rootfs: string;
  mainLog: string;
  runcLog: string;
  mainPidFile: string;
  runDir: string;
  hostnameFile: string;
  hostsFile: string;
}

function sandboxPaths(stateDir: string): SandboxPaths {
  return {
    stateDir,
    marker: join(stateDir, markerFileName),
    runcRoot: join(stateDir, 'runc'),
    bundle: join(stateDir, 'bundle'),
    upper: join(stateDir, 'upper'),
    work: join(stateDir, 'work'),
    rootfs: join(stateDir, 'rootfs'),
    mainLog: join(stateDir, 'main.log'),
    runcLog: join(stateDir, 'runc.log'),
    mainPidFile: join(stateDir, 'main.pid'),
    runDir: join(stateDir, 'run'),
    hostnameFile: join(stateDir, 'etc', 'hostname'),
    hostsFile: join(stateDir, 'etc', 'hosts'),
  };
}

/**
 * The `runc` runtime: each sandbox is a real container on this machine (Linux, root).
 *
 * - Root file system: an overlay (lowerdir = the host's `/`, or the image's directory from
 *   `options.rootfs`; upper and work dirs under `spec.stateDir`), so tools installed on the host
 *   are there and writes stay in the sandbox.
 * - Its own PID, mount, UTS (hostname = sandbox name) and IPC namespaces; the host's network.
 * - Fresh /proc, /dev (tmpfs, usual devices, /dev/pts, /dev/shm), read-only /sys, private /tmp.
 * - The emulator's state directories are hidden under empty tmpfs mounts.
 * - cgroup cpu and memory limits when the host lets it create cgroups (else skipped).
 */
export function createRuncRuntime(options: RuncRuntimeOptions = {}): SandboxRuntime {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(`createRuncRuntime: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const settings = parsed.data;
  const stopGraceMs = settings.stopGraceMs ?? 3_000;
  const knownStateRoots = new Set<string>();
  let runcPathPromise: Promise<string> | undefined;
  let cgroupPromise: Promise<CgroupSupport> | undefined;

  const resolveRunc = (): Promise<string> => {
    runcPathPromise ??= findExecutable(settings.runcPath ?? 'runc').then((found) => {
      if (!found)
        throw new Error(
          `runc runtime: runc not found (${settings.runcPath ?? 'runc in PATH or sbin'}); install runc or set runcPath`,
        );
      return found;
    });
    return runcPathPromise;
  };

  return {
    name: 'runc',
    isolated: true,
    async start(spec: SandboxSpec): Promise<RunningSandbox> {
      const runcPath = await resolveRunc();
      cgroupPromise ??= probeCgroups();
      const cgroups = await cgroupPromise;
      return startSandbox({
        spec,
        runcPath,
        lowerDir: settings.rootfs?.[spec.image],
        cgroups,
        stopGraceMs,
        knownStateRoots: [...knownStateRoots],
      });
    },
    async reapLeftovers(stateDir: string): Promise<void> {
      const root = await realpath(stateDir).catch(() => resolve(stateDir));
      knownStateRoots.add(root);
      const runcPath = await resolveRunc().catch(() => undefined);
      await reapUnder(root, runcPath);
    },
  };
}

interface StartInput {
  spec: SandboxSpec;
  runcPath: string;
  lowerDir: string | undefined;
  cgroups: CgroupSupport;
  stopGraceMs: number;
  knownStateRoots: string[];
}

async function startSandbox(input: StartInput): Promise<RunningSandbox> {
  const { spec, runcPath } = input;
  validateSpec(spec);
  // The real path: mountinfo shows mount points without symlinks.
  await mkdir(spec.stateDir, { recursive: true });
  const paths = sandboxPaths(await realpath(spec.stateDir));
  const containerId = containerIdFor(spec.id);
  const lowerDir = input.lowerDir ?? '/';

  await writeFile(paths.marker, `${JSON.stringify({ containerId, sandboxId: spec.id })}\n`);
  for (const directory of [
    paths.runcRoot,
    paths.bundle,
    paths.upper,
    paths.work,
    paths.rootfs,
    paths.runDir,
    dirname(paths.hostsFile),
  ]) {
    await mkdir(directory, { recursive: true });
  }

  // A container left by an earlier start of this sandbox (restart after stop, or a crash).
  await removeContainer(runcPath, paths.runcRoot, containerId);
  if (!(await mountsUnder(paths.rootfs)).includes(paths.rootfs)) {
    const mounted = await runCommand('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${lowerDir},upperdir=${paths.upper},workdir=${paths.work}`,
      paths.rootfs,
    ]);
    if (mounted.code !== 0) {
      throw new Error(`runc runtime: could not mount the overlay root file system for ${spec.id}: ${mounted.stderr.trim()}`);
    }
  }

  try {
    const hostname = (spec.name || spec.id).slice(0, 63);
    await writeFile(paths.hostnameFile, `${hostname}\n`);
    const hostHosts = await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n');
    await writeFile(paths.hostsFile, `${hostHosts.replace(/\n?$/, '\n')}127.0.1.1\t${hostname}\n`);

    const argv =
      spec.command.length > 0 ? [...spec.command, ...spec.args] : spec.args.length > 0 ? [...spec.args] : keepAliveArgv;
    const env: Record<string, string> = { PATH: defaultPath, HOME: '/root', HOSTNAME: hostname, ...spec.env };
    const wantsLimits = (spec.cpu ?? 0) > 0 || (spec.memoryGiB ?? 0) > 0;
    let useLimits = wantsLimits && input.cgroups.limits;
    const cgroupsPath = `eci-runc-${containerId}-${randomBytes(4).toString('hex')}`;

    // Each start has its own log (the emulator keeps the previous one from readLog after stop).
    await writeFile(paths.mainLog, '');
    for (;;) {
      const config = buildRuncConfig({
        hostname,
        cgroupsPath,
        rootfsPath: paths.rootfs,
        argv,
        env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
        cwd: spec.workingDir || '/',
        maskDirectories: input.lowerDir === undefined ? maskDirectoriesFor(paths.stateDir, input.knownStateRoots) : [],
        hostnameFile: paths.hostnameFile,
        hostsFile: paths.hostsFile,
        resources: useLimits
          ? { cpu: spec.cpu, memoryBytes: spec.memoryGiB !== undefined ? spec.memoryGiB * 1024 ** 3 : undefined }
          : undefined,
      });
      await writeFile(join(paths.bundle, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
      const launch = await launchMain(runcPath, paths, containerId);
      if (launch.running) {
        const watchdog = armWatchdog({ runcPath, runcRoot: paths.runcRoot, containerId, rootfs: paths.rootfs });
        return new RuncSandbox({
          spec,
          paths,
          runcPath,
          containerId,
          main: launch.child,
          mainExited: launch.exited,
          stopGraceMs: input.stopGraceMs,
          sandboxEnv: env,
          watchdog,
        });
      }
      const message = launch.error;
      if (/start container process: exec: /.test(message)) {
        // The command itself could not run: the sandbox exists and its main process "exited",
        // as a shell would report it (127 not found, 126 not executable).
        const code = /not found|no such file/i.test(message) ? 127 : 126;
        return new RuncSandbox({
          spec,
          paths,
          runcPath,
          containerId,
          main: undefined,
          mainExited: Promise.resolve(code),
          stopGraceMs: input.stopGraceMs,
          sandboxEnv: env,
        });
      }
      if (useLimits && /cgroup/i.test(message)) {
        useLimits = false;
        await writeFile(paths.mainLog, `eci-sandbox: cgroup limits could not be applied (${message}); running without them\n`, {
          flag: 'a',
        });
        await removeContainer(runcPath, paths.runcRoot, containerId);
        continue;
      }
      throw new Error(`runc runtime: could not start sandbox ${spec.id}: ${message}`);
    }
  } catch (error) {
    await removeContainer(runcPath, paths.runcRoot, containerId);
    await unmountAllUnder(paths.stateDir);
    throw error;
  }
}

interface LaunchResult {
  running: boolean;
  child: ChildProcess;
  exited: Promise<number>;
  error: string;
}

/**
 * Starts `runc run` in the foreground (our child, so its exit code is the main process's) with
 * the main process's stdout and stderr going straight to the log file. Settles once the
 * container runs (runc wrote the pid file) or runc gave up.
 */
async function launchMain(runcPath: string, paths: SandboxPaths, containerId: string): Promise<LaunchResult> {
  await rm(paths.mainPidFile, { force: true });
  await writeFile(paths.runcLog, '');
  const logFd = openSync(paths.mainLog, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      runcPath,
      [
        '--root',
        paths.runcRoot,
        '--log',
        paths.runcLog,
        '--log-format',
        'json',
        'run',
        '--bundle',
        paths.bundle,
        '--pid-file',
        paths.mainPidFile,
        containerId,
      ],
      { stdio: ['ignore', logFd, logFd], detached: true },
    );
  } finally {
    closeSync(logFd);
  }
  let done = false;
  const exited = new Promise<number>((resolveExit) => {
    child.once('error', () => {
      done = true;
      resolveExit(127);
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolveExit(code ?? exitCodeForSignal(signal ?? 'SIGKILL'));
    });
  });
  const deadline = Date.now() + startDeadlineMs;
  while (!(await pathExists(paths.mainPidFile))) {
    if (done || Date.now() > deadline) {
      if (!done) child.kill('SIGKILL');
      await exited;
      return { running: false, child, exited, error: await lastRuncError(paths.runcLog) };
    }
    await Promise.race([delay(10), exited]);
  }
  return { running: true, child, exited, error: '' };
}

async function lastRuncError(runcLog: string): Promise<string> {
  const text = await readFile(runcLog, 'utf8').catch(() => '');
  let message = '';
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) message = entry.msg;
    } catch {
      message = line;
    }
  }
  return message || 'runc exited before the container started (no error logged)';
}

interface SandboxInit {
  spec: SandboxSpec;
  paths: SandboxPaths;
  runcPath: string;
  containerId: string;
  main: ChildProcess | undefined;
  mainExited: Promise<number>;
  stopGraceMs: number;
  sandboxEnv: Record<string, string>;
  /** Removes the container should this process die without destroying it. */
  watchdog?: Watchdog;
}

class RuncSandbox implements RunningSandbox {
  readonly exited: Promise<number>;
  private readonly init: SandboxInit;
  private readonly execs = new Set<RuncExecHandle>();
  private mainDone = false;
  private execCount = 0;
  private stopping: Promise<void> | undefined;
  private destroying: Promise<void> | undefined;

  constructor(init: SandboxInit) {
    this.init = init;
    this.exited = init.mainExited.then((code) => {
      this.mainDone = true;
      return code;
    });
  }

  exec(options: ExecSpec): ExecHandle {
    if (!Array.isArray(options.argv) || options.argv.length === 0 || !options.argv[0]) {
      throw new TypeError('exec: argv must name a program (argv[0]) to run');
    }
    for (const key of Object.keys(options.env ?? {})) {
      if (!key || key.includes('=') || key.includes('\0')) {
        throw new TypeError(`exec: env key "${key}" is not valid (no "=" and not empty)`);
      }
    }
    if (this.mainDone || this.stopping || this.destroying) {
      return failedExec(`eci-sandbox: sandbox ${this.init.spec.name || this.init.spec.id} is not running`, options.tty);
    }
    this.execCount += 1;
    const handle = startRuncExec(
      {
        runcPath: this.init.runcPath,
        runcRoot: this.init.paths.runcRoot,
        containerId: this.init.containerId,
        pidFile: join(this.init.paths.runDir, `exec-${this.execCount}.pid`),
        sandboxEnv: this.init.sandboxEnv,
      },
      options,
    );
    this.execs.add(handle);
    void handle.exited.then(() => this.execs.delete(handle));
    return handle;
  }

  async readLog(): Promise<Buffer> {
    try {
      return await readFile(this.init.paths.mainLog);
    } catch {
      return Buffer.alloc(0);
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.terminate(this.init.stopGraceMs);
    return this.stopping;
  }

  destroy(): Promise<void> {
    this.destroying ??= (async () => {
      await this.stopping?.catch(() => undefined);
      await this.terminate(0);
      const left = await unmountAllUnder(this.init.paths.stateDir);
      if (left.length > 0) {
        throw new Error(`runc runtime: could not unmount ${left.join(', ')}; left ${this.init.paths.stateDir} in place`);
      }
      await rm(this.init.paths.stateDir, { recursive: true, force: true });
    })();
    return this.destroying;
  }

  /** Kills the main process and every exec, deletes the container and unmounts the overlay. */
  private async terminate(graceMs: number): Promise<void> {
    const { runcPath, paths, containerId, main } = this.init;
    const root = ['--root', paths.runcRoot];
    if (!this.mainDone && main) {
      // PID 1 of a PID namespace never gets a signal it has no handler for: when the main
      // process does not catch SIGTERM, waiting for it to act on one is pointless.
      if (graceMs > 0 && (await catchesSignal(paths.mainPidFile, sigtermNumber))) {
        await runCommand(runcPath, [...root, 'kill', containerId, 'TERM']);
        await Promise.race([this.exited, delay(graceMs)]);
      }
      if (!this.mainDone) {
        await runCommand(runcPath, [...root, 'kill', containerId, 'KILL']);
        await Promise.race([this.exited, delay(killWaitMs)]);
      }
      if (!this.mainDone) main.kill('SIGKILL');
    }
    // The container's PID namespace is gone with its init, so every exec'd process is too; the
    // host-side `runc exec` processes end with them. Force any straggler.
    const pending = [...this.execs];
    if (pending.length > 0) {
      const allExited = Promise.all(pending.map((handle) => handle.exited));
      await Promise.race([allExited, delay(killWaitMs)]);
      for (const handle of pending) handle.forceKill();
      await Promise.race([allExited, delay(killWaitMs)]);
    }
    await removeContainer(runcPath, paths.runcRoot, containerId);
    if (main && !this.mainDone) await Promise.race([this.exited, delay(killWaitMs)]);
    await unmountAllUnder(paths.rootfs);
    await this.init.watchdog?.disarm();
  }
}

const sigtermNumber = 15;

/** Whether the process in `pidFile` has a handler for signal `number` (SigCgt in its status). */
async function catchesSignal(pidFile: string, number: number): Promise<boolean> {
  try {
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const caught = /^SigCgt:\s*([0-9a-f]+)$/im.exec(status)?.[1];
    if (caught === undefined) return true;
    return (BigInt(`0x${caught}`) & (1n << BigInt(number - 1))) !== 0n;
  } catch {
    return true;
  }
}

/** `runc delete --force`, after making sure nothing of the container still runs. */
async function removeContainer(runcPath: string, runcRoot: string, containerId: string): Promise<void> {
  if (!(await pathExists(join(runcRoot, containerId)))) return;
  const state = await runCommand(runcPath, ['--root', runcRoot, 'state', containerId]);
  let initPid: number | undefined;
  try {
    initPid = (JSON.parse(state.stdout) as { pid?: number }).pid;
  } catch {
    initPid = undefined;
  }
  await runCommand(runcPath, ['--root', runcRoot, 'kill', containerId, 'KILL']);
  await runCommand(runcPath, ['--root', runcRoot, 'delete', '--force', containerId]);
  if (initPid && initPid > 0) {
    const deadline = Date.now() + killWaitMs;
    while ((await isProcessAlive(initPid)) && Date.now() < deadline) await delay(20);
  }
}

/** Removes every sandbox directory (with its container and mounts) found under `root`. */
async function reapUnder(root: string, runcPath: string | undefined): Promise<void> {
  if (!(await pathExists(root))) return;
  const directories = await findSandboxDirectories(root);
  for (const directory of directories) {
    const paths = sandboxPaths(directory);
    if (runcPath) {
      let containerIds: string[] = [];
      try {
        containerIds = (await readdir(paths.runcRoot, { withFileTypes: true }))
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name);
      } catch {
        containerIds = [];
      }
      for (const containerId of containerIds) await removeContainer(runcPath, paths.runcRoot, containerId);
    }
    const left = await unmountAllUnder(directory);
    if (left.length === 0) await rm(directory, { recursive: true, force: true });
  }
}

/** Directories holding the marker file, at most `reapDepth` levels down, never into mounts. */
async function findSandboxDirectories(root: string): Promise<string[]> {
  const mountPoints = new Set(await mountsUnder(root));
  const found: string[] = [];
  const visit = async (directory: string, depth: number): Promise<void> => {
    if (await pathExists(join(directory, markerFileName))) {
      found.push(directory);
      return;
    }
    if (depth >= reapDepth) return;
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = join(directory, entry.name);
      if (entry.isDirectory() && !mountPoints.has(child)) await visit(child, depth + 1);
    }
  };
  await visit(root, 0);
  return found;
}

/**
 * Host directories to hide inside a sandbox built on the host's `/`: the directory holding this
 * sandbox's state (so sibling sandboxes' upper dirs are out of sight) — or the state directory
 * itself when its parent is a system directory — and every emulator state root seen by
 * reapLeftovers. Directories under /tmp need nothing: /tmp is a fresh tmpfs inside.
 */
function maskDirectoriesFor(stateDir: string, knownStateRoots: string[]): string[] {
  const parent = dirname(stateDir);
  const candidates = [isSystemDirectory(parent) ? stateDir : parent];
  for (const root of knownStateRoots) if (!isSystemDirectory(root)) candidates.push(root);
  const kept = candidates.filter((candidate) => !freshInside.some((fresh) => isWithin(candidate, fresh)));
  // A mask inside another mask cannot be mounted (the outer tmpfs is read-only) and is not needed.
  return [...new Set(kept)].filter(
    (candidate, _index, all) => !all.some((other) => other !== candidate && isWithin(candidate, other)),
  );
}

function isSystemDirectory(directory: string): boolean {
  const home = process.env.HOME;
  return systemDirectories.has(directory) || (home !== undefined && resolve(home) === directory);
}

function containerIdFor(sandboxId: string): string {
  const cleaned = sandboxId.replace(/[^\w.+-]/g, '_');
  return cleaned || 'sandbox';
}

function validateSpec(spec: SandboxSpec): void {
  if (!spec.id) throw new TypeError('runc runtime: spec.id must not be empty');
  if (!spec.stateDir || !isAbsolute(spec.stateDir)) {
    throw new TypeError(`runc runtime: spec.stateDir must be an absolute path (got "${spec.stateDir}")`);
  }
  if (/[,:\\\n]/.test(spec.stateDir)) {
    throw new TypeError('runc runtime: spec.stateDir must not contain ",", ":", "\\" or newlines (overlay mount options)');
  }
  for (const key of Object.keys(spec.env)) {
    if (!key || key.includes('=') || key.includes('\0')) {
      throw new TypeError(`runc runtime: spec.env key "${key}" is not valid (no "=" and not empty)`);
    }
  }
}

/** What {@link detectRunc} found. */
export interface RuncDetection {
  usable: boolean;
  /** Why not, or what works (including whether cgroup limits apply). */
  reason: string;
}

/**
 * Checks whether the runc runtime works here: Linux, root, runc present, an overlay over `/`
 * mounts, and a trial container runs. cgroup limits are reported, never required.
 */
export async function detectRunc(options: { runcPath?: string } = {}): Promise<RuncDetection> {
  if (process.platform !== 'linux') return { usable: false, reason: `runc needs Linux (this is ${process.platform})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { usable: false, reason: 'runc runtime needs root (run the emulator as root)' };
  }
  const runcPath = await findExecutable(options.runcPath ?? 'runc');
  if (!runcPath) {
    return {
      usable: false,
      reason: options.runcPath
        ? `runc not found at ${options.runcPath}`
        : 'runc not found in PATH or /usr/local/sbin, /usr/sbin, /sbin',
    };
  }
  const version = await runCommand(runcPath, ['--version']);
  if (version.code !== 0) return { usable: false, reason: `${runcPath} --version failed: ${version.stderr.trim()}` };
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (!/\boverlay\b/.test(filesystems)) return { usable: false, reason: 'the kernel has no overlay file system' };

  const cgroups = await probeCgroups();
  const probeDir = await mkdtemp(join(tmpdir(), 'eci-runc-probe-'));
  const runtime = createRuncRuntime({ runcPath });
  try {
    const sandbox = await runtime.start({
      id: `eci-runc-probe-${process.pid}-${randomBytes(4).toString('hex')}`,
      name: 'eci-runc-probe',
      containerName: 'probe',
      image: 'probe',
      command: ['true'],
      args: [],
      env: {},
      stateDir: join(probeDir, 'sandbox'),
    });
    const code = await Promise.race([sandbox.exited, delay(startDeadlineMs).then(() => -1)]);
    await sandbox.destroy();
    if (code !== 0) return { usable: false, reason: `a trial runc container ran \`true\` and got exit code ${code}` };
  } catch (error) {
    return { usable: false, reason: `a trial runc container failed: ${describeError(error)}` };
  } finally {
    await reapUnder(probeDir, runcPath).catch(() => undefined);
    if ((await mountsUnder(probeDir)).length === 0) await rm(probeDir, { recursive: true, force: true });
  }
  const versionLine = version.stdout.split('\n')[0]?.trim() ?? 'runc';
  return { usable: true, reason: `${versionLine} at ${runcPath}; overlay root file system works; ${cgroups.note}` };
}
