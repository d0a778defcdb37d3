import type { Readable, Writable } from 'node:stream';

/**
 * How the emulator runs a sandbox. One container group is one sandbox; the emulator runs its
 * first container only (the SDK's sandboxes have one).
 */
export interface SandboxRuntime {
  /** `runc`: a real container (Linux, root). `process`: plain processes, no isolation. */
  readonly name: 'runc' | 'process';
  /** Whether sandboxes are isolated from each other and from the host. */
  readonly isolated: boolean;
  /**
   * Creates the sandbox's file system and starts its main process. The emulator restarts a
   * sandbox (RestartContainerGroup, restart policies) by `stop()` on the old handle and `start()`
   * again with the same spec: the files under `spec.stateDir` from the earlier start are kept.
   */
  start(spec: SandboxSpec): Promise<RunningSandbox>;
  /**
   * Removes what a crashed earlier run left under `stateDir` (processes, mounts, containers,
   * directories). Called once when the emulator starts.
   */
  reapLeftovers(stateDir: string): Promise<void>;
}

export interface SandboxSpec {
  /** Container group id, e.g. `eci-0a1b2c…`; safe as a file name. */
  id: string;
  /** Container group name; used as the hostname. */
  name: string;
  /** Name of the container being started. */
  containerName: string;
  /** Image name. Images are not pulled: the runtime maps a name to a root file system or the host's. */
  image: string;
  /** Entrypoint override and arguments; both empty means "keep running until deleted". */
  command: string[];
  args: string[];
  env: Record<string, string>;
  workingDir?: string;
  /** vCPUs and GiB, for cgroup limits where the host allows. */
  cpu?: number;
  memoryGiB?: number;
  /** A directory that belongs to this sandbox alone, removed by `destroy()`. */
  stateDir: string;
}

export interface RunningSandbox {
  /** Settles when the main process exits: its exit code (a signal n gives 128 + n). */
  readonly exited: Promise<number>;
  /** Starts a process inside the sandbox, like `docker exec`. */
  exec(options: ExecSpec): ExecHandle;
  /** The main process's stdout and stderr so far (what DescribeContainerLog returns). */
  readLog(): Promise<Buffer>;
  /** Stops the main process and every exec, keeping the file system (RestartContainerGroup). */
  stop(): Promise<void>;
  /** Kills everything and removes the sandbox's processes, mounts and files. Idempotent. */
  destroy(): Promise<void>;
}

export interface ExecSpec {
  argv: string[];
  /** Run under a pseudo-terminal: stdout carries the terminal's output, stderr is null. */
  tty: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** Initial terminal size, when `tty`. */
  cols?: number;
  rows?: number;
}

export interface ExecHandle {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** `null` under a TTY, where both streams arrive on stdout. */
  readonly stderr: Readable | null;
  /** Settles when the process exits: its exit code (a signal n gives 128 + n). */
  readonly exited: Promise<number>;
  /** Sets the terminal size (TTY only; ignored otherwise). */
  resize(cols: number, rows: number): void;
  /** Sends a signal to the process and its children. */
  kill(signal?: NodeJS.Signals): void;
}
