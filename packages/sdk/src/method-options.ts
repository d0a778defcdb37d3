/** Options of `execCommand`. */
export interface ExecCommandOptions {
  /** Client-side deadline for the command in ms (ECI has no server-side one). Default: the client's `commandTimeoutMs` (600000). */
  timeoutMs?: number;
  /**
   * `true` (default): wait for the command and return its output and exit code. `false`: start it
   * and return the exec stream's `websocketUrl` at once (as the seed does); nothing is waited for.
   */
  sync?: boolean;
  /** Working directory of the command. Default: the container's. */
  execDir?: string;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /** Receives stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Receives stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Aborts the command (the stream is closed). */
  signal?: AbortSignal;
}

/** Options of `bash` and `bashWs`. */
export interface BashOptions {
  /** Client-side deadline in ms. Default: the client's `commandTimeoutMs` (600000). */
  timeoutMs?: number;
  /** Directory to `cd` into first. Default: the container's working directory. */
  execDir?: string;
  /** Variables exported for the script. */
  env?: Record<string, string>;
  /** Receives stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Receives stderr as it arrives. */
  onStderr?: (chunk: string) => void;
  /** Aborts the command. */
  signal?: AbortSignal;
}

/** Options of `readFile` and `writeFile`. */
export interface FileOptions {
  /** Deadline of the transfer in ms. Default: the client's `commandTimeoutMs`. */
  timeoutMs?: number;
  /** Aborts the transfer. */
  signal?: AbortSignal;
}

/** Options of `tmuxStart`. */
export interface TmuxStartOptions {
  /** Directory the job starts in. Default: the container's working directory. */
  execDir?: string;
  /** The job's id (tmux session name). Default: generated. */
  sessionId?: string;
  /** tmux scrollback lines kept. Default: tmux-kit's. */
  historyLimit?: number;
  /** Variables exported for the job. */
  env?: Record<string, string>;
}

/** Options of `tmuxPoll`. */
export interface TmuxPollOptions {
  /**
   * The last N lines of the output. Without `offset` the end of the log is read (its last
   * `maxBytes`); with `offset`, the last N lines of what was read from there. Default: all of it.
   */
  tailLines?: number;
  /** Return output from this byte offset of the job's log (use the previous `nextOffset`). */
  offset?: number;
  /** Most bytes of log to read in this call. Default 1 MiB. */
  maxBytes?: number;
}

/** Options of `tmuxWait`. */
export interface TmuxWaitOptions {
  /** How long to wait in ms; on expiry the result says `RUNNING`. Default 600000. */
  timeoutMs?: number;
  /** Remove the tmux session once it completed. Default false. */
  cleanup?: boolean;
  /** Receives the job's output as it arrives. */
  onOutput?: (chunk: string) => void;
  /** Stops waiting (the job keeps running). */
  signal?: AbortSignal;
}

/** Options of `openSession`. */
export interface SessionOptions {
  /** Directory the shell starts in. */
  execDir?: string;
  /** Variables exported in the shell. */
  env?: Record<string, string>;
}

/** Options of `create`. Only `image` is required. */
export interface CreateOptions {
  /** Container image, e.g. `python:3.12-slim` or `registry.cn-hangzhou.aliyuncs.com/eci_open/nginx:latest`. Required. */
  image: string;
  /** Container group name: 2-128 lowercase letters, digits and hyphens. Default `sandbox-<random>`. */
  name?: string;
  /** Name of the (single) container; commands run in it. Default `sandbox`. */
  containerName?: string;
  /** vCPUs. Default 1. */
  cpu?: number;
  /** Memory in GiB. Default 2. */
  memory?: number;
  /** Entrypoint override. Default: the image's. */
  command?: string[];
  /** Arguments to the entrypoint (at most 10). Default: the image's. */
  args?: string[];
  /** Environment variables of the container. */
  env?: Record<string, string>;
  /** Ports the container exposes. Protocol defaults to `TCP`. */
  ports?: Array<{ port: number; protocol?: 'TCP' | 'UDP' }>;
  /** vSwitch id(s), comma-separated. Default: ECI picks (or creates) the default VPC/vSwitch. */
  vSwitchId?: string;
  /** Security group id. Default: ECI's default security group. */
  securityGroupId?: string;
  /** Zone, e.g. `cn-hangzhou-h`. Default: ECI picks. */
  zoneId?: string;
  /** ECS instance type(s) instead of cpu/memory, e.g. `ecs.c6.large`. */
  instanceType?: string;
  /** `Always` (ECI's default), `Never` or `OnFailure`. */
  restartPolicy?: 'Always' | 'Never' | 'OnFailure';
  /** Tags (at most 20), usable as `list({ tags })` filters, e.g. an owner tag for sweeping. */
  tags?: Record<string, string>;
  /** Create and bind an elastic IP. Default false. */
  autoCreateEip?: boolean;
  /** Bandwidth of the created EIP in Mbit/s. Default 5 (ECI's). */
  eipBandwidth?: number;
  /** Bind an existing EIP. */
  eipInstanceId?: string;
  /**
   * Idempotency token (at most 64 printable ASCII characters): the same token with the same
   * options creates one sandbox, however often the request is retried. Default: a new UUID per
   * `create` call (so the client's own retries never make a second sandbox).
   */
  clientToken?: string;
  /**
   * Time to live in ms (at least 1000): ECI stops the sandbox after this long
   * (`ActiveDeadlineSeconds`, rounded up to whole seconds), even if this process is gone.
   * Default: none.
   */
  ttlMs?: number;
  /**
   * Wait until the sandbox is Running (polls DescribeContainerGroupStatus, the cheap status call)
   * before returning. Default false.
   */
  waitUntilRunning?: boolean;
  /**
   * With `waitUntilRunning`: once Running, describe the sandbox (one DescribeContainerGroups) so
   * the result carries `info` (IP addresses, containers, times). Default false: create and wait
   * then cost one CreateContainerGroup and the status polls, nothing more.
   */
  describeWhenRunning?: boolean;
  /** How long `waitUntilRunning` waits, in ms. Default 300000. */
  waitTimeoutMs?: number;
  /**
   * When `waitUntilRunning` fails after the sandbox was created: `true` (default) deletes it so
   * it is not orphaned; `false` keeps it and returns its id in `sandboxId` (and the `sandbox`).
   */
  deleteOnWaitFailure?: boolean;
}

/** Filters of `list` and `listAll`. */
export interface ListOptions {
  /** Page size, 1-20. Default 20. */
  limit?: number;
  /** Token from the previous page's `nextToken`. */
  nextToken?: string;
  /** Only sandboxes in this status, e.g. `Running`. */
  status?: string;
  /** Only sandboxes with this name. */
  name?: string;
  /** Only sandboxes in this security group. */
  securityGroupId?: string;
  /** Only sandboxes in this vSwitch. */
  vSwitchId?: string;
  /** Only sandboxes in this zone. */
  zoneId?: string;
  /** Only sandboxes carrying all these tags. */
  tags?: Record<string, string>;
}

/** Options of `openTerminal`. `cols` and `rows` are required. */
export interface TerminalOptions {
  /**
   * The program to run under the terminal, as an argv (no shell parsing). Default: an
   * interactive shell, `bash -i` when the image has bash, else `sh -i`.
   */
  argv?: string[];
  /** Terminal width in columns (1-65535), e.g. `process.stdout.columns`. Required. */
  cols: number;
  /** Terminal height in rows (1-65535), e.g. `process.stdout.rows`. Required. */
  rows: number;
  /** Aborts opening the terminal, or kills it once open. */
  signal?: AbortSignal;
  /**
   * Receives every piece of output, from the first byte. Default: none; attach later with
   * `terminal.onData()` or iterate the terminal.
   */
  onData?: (bytes: Uint8Array) => void;
}

/** Options of `logs`. */
export interface LogsOptions {
  /** Only the last N lines, 1-2000. Default: ECI's, 500. */
  tail?: number;
  /** At most this many bytes (the newest), 1-1048576. Default: ECI's, 1 MiB. */
  limitBytes?: number;
  /**
   * Only lines from the last N seconds. In seconds, not ms, because that is ECI's unit
   * (`SinceSeconds`) and anything finer would be rounded. Default: no limit.
   */
  sinceSeconds?: number;
  /** Prefix each line with its RFC 3339 timestamp. Default false. */
  timestamps?: boolean;
  /** Aborts the call. */
  signal?: AbortSignal;
}
