import type { ClientOptions } from 'ws';
import { z } from 'zod';
import { ExecValidationError } from './errors.js';
import type { ExecProcess, ExecProtocol, ExecResult, OpenExecOptions, WebSocketConstructor } from './exec-process.js';
import { openExec } from './exec-process.js';
import { Deadline } from './internal/deadline.js';
import { parseOptions } from './internal/validate.js';
import type { ExecLauncher } from './launcher.js';
import type { ExecLimits } from './shell-encode.js';
import {
  encodeArgvCommand,
  encodeShellCommand,
  encodeStdinScript,
  scriptPrologue,
  shellQuote,
  validateArgv,
} from './shell-encode.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Options shared by everything that opens a stream through a launcher. */
export interface StreamOptions {
  /** WebSocket constructor (default: `ws`'s). */
  WebSocket?: WebSocketConstructor;
  /** Passed to the `ws` client: `agent` (proxies), `headers`, TLS options. */
  clientOptions?: ClientOptions;
  /** Subprotocol to offer; default `none` (see `openExec`). */
  protocol?: ExecProtocol;
}

export interface RunOptions extends StreamOptions {
  /** Directory to run in. */
  execDir?: string;
  /** Environment variables exported for the command. */
  env?: Record<string, string>;
  /** Deadline for launch + run, in ms. Default 60 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Bytes written to the command's stdin after it starts. There is no stdin EOF on ECI (unless
   * `protocol: 'v5'`), so the command must read exactly what it needs (`head -c N`).
   */
  stdin?: Uint8Array | string;
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /** Bytes of stdout/stderr kept for the result. Default 16 MiB each. */
  maxOutputBytes?: number;
  /** ExecContainerCommand's limits. Default 20 elements × 256 characters, 2048 JSON bytes. */
  limits?: Partial<ExecLimits>;
  /**
   * `inline`: the script travels in the argv (error if it cannot fit). `stdin`: a bootstrap reads
   * it from stdin. `auto` (default): inline when it fits, else stdin.
   */
  transport?: 'auto' | 'inline' | 'stdin';
}

export interface RunResult extends ExecResult {
  /** How the script reached the sandbox. */
  transport: 'inline' | 'stdin';
}

const runSchema = z.object({
  timeoutMs: z.number().int().nonnegative().finite().optional(),
  maxOutputBytes: z.number().int().nonnegative().optional(),
  transport: z.enum(['auto', 'inline', 'stdin']).optional(),
  protocol: z.enum(['none', 'v4', 'v5']).optional(),
  execDir: z.string().min(1).optional(),
});

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Runs the launcher for `argv` within `deadline` (a launch cut short by it reports the deadline's
 * error) and opens the returned stream with the time that is left.
 */
export async function launchStream(
  launcher: ExecLauncher,
  argv: string[],
  stdin: boolean,
  deadline: Deadline,
  execOptions: Omit<OpenExecOptions, 'timeoutMs'>,
): Promise<ExecProcess> {
  let url: string;
  try {
    url = await launcher(argv, { stdin, tty: false, signal: deadline.signal });
  } catch (error) {
    throw deadline.error('exec launch') ?? error;
  }
  deadline.throwIfAborted('exec launch');
  return openExec(url, { ...execOptions, timeoutMs: deadline.remainingMs() });
}

/** Launches `argv`, opens its stream, writes `writes` to stdin in order, and waits for the end. */
export async function launchAndWait(
  launcher: ExecLauncher,
  argv: string[],
  marker: string | undefined,
  writes: Uint8Array[],
  options: RunOptions & { needStdin: boolean; onStdoutBytes?: (bytes: Uint8Array) => void },
): Promise<ExecResult> {
  const deadline = new Deadline(
    options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : options.timeoutMs || undefined,
    options.signal,
  );
  try {
    deadline.throwIfAborted('exec');
    const process = await launchStream(launcher, argv, options.needStdin, deadline, {
      WebSocket: options.WebSocket,
      clientOptions: options.clientOptions,
      protocol: options.protocol,
      marker,
      signal: options.signal,
      maxOutputBytes: options.maxOutputBytes,
      onStdout: options.onStdout,
      onStderr: options.onStderr,
      onStdoutBytes: options.onStdoutBytes,
    });
    try {
      for (const data of writes) await process.write(data);
      if (options.stdin !== undefined && options.protocol === 'v5') await process.closeStdin();
    } catch {
      // A write fails because the stream ended: the stream's own end says why — its error, or the
      // command's exit status when it finished without reading everything.
      return await process.wait();
    }
    return await process.wait();
  } finally {
    deadline.dispose();
  }
}

/**
 * Runs a bash script of any content in the sandbox: inline in the exec argv when it fits the
 * limits, else over stdin. Exit codes are data: a script that exits 3 resolves with `exitCode: 3`.
 */
export async function runScript(launcher: ExecLauncher, script: string, options: RunOptions = {}): Promise<RunResult> {
  if (typeof launcher !== 'function') throw new ExecValidationError('launcher', 'must be a function returning a WebSocket URL');
  if (typeof script !== 'string') throw new ExecValidationError('script', 'must be a string');
  if (script.includes('\0')) throw new ExecValidationError('script', 'must not contain a NUL byte');
  parseOptions(runSchema, options);
  const transport = options.transport ?? 'auto';
  const userStdin = options.stdin === undefined ? [] : [toBytes(options.stdin)];

  if (transport !== 'stdin') {
    const encoded = encodeShellCommand(script, {
      execDir: options.execDir,
      env: options.env,
      limits: options.limits,
      stdin: options.stdin !== undefined,
    });
    if (encoded.fits) {
      const result = await launchAndWait(launcher, encoded.argv, encoded.marker, userStdin, {
        ...options,
        needStdin: options.stdin !== undefined,
      });
      return { ...result, transport: 'inline' };
    }
    if (transport === 'inline') throw new ExecValidationError('script', encoded.reason);
  }

  const body = Buffer.from(scriptPrologue(options) + script, 'utf8');
  const bootstrap = encodeStdinScript(body.length, { stdin: options.stdin !== undefined });
  const result = await launchAndWait(launcher, bootstrap.argv, bootstrap.marker, [body, ...userStdin], {
    ...options,
    needStdin: true,
  });
  return { ...result, transport: 'stdin' };
}

/**
 * Runs a plain argv (no shell parsing of its words) with its exit code, via a tiny `/bin/sh`
 * wrapper. An argv too long for the limits is run as a script over stdin instead.
 */
export async function runArgv(launcher: ExecLauncher, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  if (typeof launcher !== 'function') throw new ExecValidationError('launcher', 'must be a function returning a WebSocket URL');
  validateArgv(argv);
  parseOptions(runSchema, options);
  const encoded = encodeArgvCommand(argv, {
    execDir: options.execDir,
    env: options.env,
    limits: options.limits,
    stdin: options.stdin !== undefined,
  });
  if (encoded.fits && options.transport !== 'stdin') {
    const result = await launchAndWait(
      launcher,
      encoded.argv,
      encoded.marker,
      options.stdin === undefined ? [] : [toBytes(options.stdin)],
      {
        ...options,
        needStdin: options.stdin !== undefined,
      },
    );
    return { ...result, transport: 'inline' };
  }
  if (options.transport === 'inline') throw new ExecValidationError('argv', encoded.fits ? 'transport conflict' : encoded.reason);
  const script = `exec ${argv.map((word, index) => shellQuote(word, `argv[${index}]`)).join(' ')}\n`;
  return runScript(launcher, script, { ...options, transport: 'stdin' });
}
