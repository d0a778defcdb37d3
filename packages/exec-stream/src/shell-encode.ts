import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ExecValidationError } from './errors.js';

/** ExecContainerCommand's limits on `Command`. */
export interface ExecLimits {
  /** Most argv elements. Default 20 (ECI's documented limit). */
  maxArgs: number;
  /** Most characters (UTF-16 code units, a safe over-count) per element. Default 256 (documented). */
  maxArgChars: number;
  /** Most bytes of the argv as UTF-8 JSON. Default 2048 (what the public Python client reports). */
  maxJsonBytes: number;
}

export const DEFAULT_EXEC_LIMITS: Readonly<ExecLimits> = Object.freeze({ maxArgs: 20, maxArgChars: 256, maxJsonBytes: 2048 });

/** Scripts larger than this are never inlined: decoded, they become one argument, and Linux caps one at 128 KiB. */
const MAX_INLINE_SCRIPT_BYTES = 96 * 1024;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MARKER_SHAPE = /^[A-Za-z0-9_]{8,64}$/;

export interface EncodeShellOptions {
  /** Directory to run in (`cd` before the script; a failed `cd` exits 1). */
  execDir?: string;
  /** Environment variables exported for the script. Names must match `[A-Za-z_][A-Za-z0-9_]*`. */
  env?: Record<string, string>;
  /** Command limits to fit. Default {@link DEFAULT_EXEC_LIMITS}. */
  limits?: Partial<ExecLimits>;
  /** Exit marker to print after the script (default: a fresh random one, returned in the result). */
  marker?: string;
  /** Leave the script's stdin connected to the stream (default false: stdin is `/dev/null`). */
  stdin?: boolean;
}

export type EncodedShellCommand =
  | { fits: true; argv: string[]; marker: string; encoding: 'plain' | 'gzip-base64' }
  | { fits: false; reason: string; marker: string };

/** A fresh random exit marker: `__ECI_EXIT_<16 hex>__`. */
export function createExitMarker(): string {
  return `__ECI_EXIT_${randomBytes(8).toString('hex')}__`;
}

/** Quotes `value` as one word for sh/bash (single quotes; `'` becomes `'\''`). NUL is refused. */
export function shellQuote(value: string, field = 'value'): string {
  if (value.includes('\0')) throw new ExecValidationError(field, 'must not contain a NUL byte');
  if (value.length > 0 && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The limits with defaults filled in, checked. */
export function resolveLimits(limits: Partial<ExecLimits> = {}): ExecLimits {
  const resolved = { ...DEFAULT_EXEC_LIMITS, ...limits };
  for (const key of ['maxArgs', 'maxArgChars', 'maxJsonBytes'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < 1) throw new ExecValidationError(`limits.${key}`, 'must be a positive integer');
  }
  return resolved;
}

/** Why `argv` does not fit `limits`, or undefined when it does. */
export function checkLimits(argv: readonly string[], limits: ExecLimits): string | undefined {
  if (argv.length > limits.maxArgs) return `${argv.length} elements, more than ${limits.maxArgs}`;
  const longest = argv.reduce((max, element) => Math.max(max, element.length), 0);
  if (longest > limits.maxArgChars) return `an element of ${longest} characters, more than ${limits.maxArgChars}`;
  const jsonBytes = Buffer.byteLength(JSON.stringify(argv), 'utf8');
  if (jsonBytes > limits.maxJsonBytes) return `${jsonBytes} bytes as JSON, more than ${limits.maxJsonBytes}`;
  return undefined;
}

function checkMarker(marker: string): string {
  if (!MARKER_SHAPE.test(marker)) throw new ExecValidationError('marker', 'must be 8 to 64 characters of [A-Za-z0-9_]');
  return marker;
}

/**
 * The shell words that print the exit marker for `$c` and exit with it. The marker is printed in two
 * halves so that it never appears whole in the command line (where `ps` could show it).
 */
export function markerEpilogue(marker: string, codeVariable = 'c'): string {
  const half = Math.floor(marker.length / 2);
  return `printf '\\n%s%s%d\\n' ${marker.slice(0, half)} ${marker.slice(half)} "$${codeVariable}";exit "$${codeVariable}"`;
}

/** `cd` and `export` commands that set up a script's directory and environment, one per entry. */
export function prologueCommands(options: { execDir?: string; env?: Record<string, string> }): string[] {
  const commands: string[] = [];
  if (options.execDir !== undefined) {
    if (typeof options.execDir !== 'string' || options.execDir.length === 0) {
      throw new ExecValidationError('execDir', 'must be a non-empty path');
    }
    commands.push(`cd -- ${shellQuote(options.execDir, 'execDir')}||exit 1`);
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new ExecValidationError('env', 'must be an object of name to string value');
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!ENV_NAME.test(name)) throw new ExecValidationError(`env.${name}`, 'names must match [A-Za-z_][A-Za-z0-9_]*');
    if (typeof value !== 'string') throw new ExecValidationError(`env.${name}`, 'values must be strings');
    commands.push(`export ${name}=${shellQuote(value, `env.${name}`)}`);
  }
  return commands;
}

/** {@link prologueCommands} as script lines. */
export function scriptPrologue(options: { execDir?: string; env?: Record<string, string> }): string {
  return prologueCommands(options)
    .map((command) => `${command}\n`)
    .join('');
}

/** Splits text into pieces of at most `size` UTF-16 units without cutting a surrogate pair. */
function splitText(text: string, size: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff && end - 1 > start) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces.length > 0 ? pieces : [''];
}

/**
 * Turns a bash script of any content (quotes, heredocs, unicode; no NUL) into an
 * ExecContainerCommand argv within `limits`, printing an exit marker at the end.
 *
 * The script travels as positional arguments, joined back with `"$*"` (gzip + base64 when plain
 * text does not fit), and runs as `bash -c "$script"` with stdin from `/dev/null`: it is never fed
 * to a shell through stdin, where its own commands could read it. When nothing fits,
 * returns `{ fits: false, reason }`: send the script over stdin instead ({@link encodeStdinScript}).
 */
export function encodeShellCommand(script: string, options: EncodeShellOptions = {}): EncodedShellCommand {
  if (typeof script !== 'string') throw new ExecValidationError('script', 'must be a string');
  if (script.includes('\0')) throw new ExecValidationError('script', 'must not contain a NUL byte; send binary data as a file');
  const limits = resolveLimits(options.limits);
  const marker = checkMarker(options.marker ?? createExitMarker());
  const full = scriptPrologue(options) + script;
  const stdinRedirect = options.stdin ? '' : '</dev/null';
  const epilogue = markerEpilogue(marker);
  // The script runs in its own bash (so `$$`, `exit`, traps and options are its own) and the small
  // POSIX shell around it prints the marker after it. The pieces are positional arguments: "$*"
  // with an empty IFS joins them back exactly, without a command substitution's extra process.
  const head = ['/bin/sh', '-c'];
  const plainWrapper = `IFS=;s="$*";unset IFS;bash -c "$s" bash${stdinRedirect};c=$?;${epilogue}`;
  const plain = [...head, plainWrapper, 'sh', ...splitText(full, limits.maxArgChars)];
  if (checkLimits(plain, limits) === undefined) return { fits: true, argv: plain, marker, encoding: 'plain' };

  const fullBytes = Buffer.byteLength(full, 'utf8');
  if (fullBytes > MAX_INLINE_SCRIPT_BYTES) {
    return {
      fits: false,
      marker,
      reason: `script is ${fullBytes} bytes; inline scripts are limited to ${MAX_INLINE_SCRIPT_BYTES}`,
    };
  }
  const encoded = gzipSync(Buffer.from(full, 'utf8'), { level: 9 }).toString('base64');
  // `echo .` keeps trailing newlines that $(…) would strip; `${s%.}` removes it again.
  const gzipWrapper =
    `s=$(IFS=;printf %s "$*"|base64 -d|gzip -dc&&echo .)||{ echo eci-exec: cannot decode script>&2;exit 125;};` +
    `s=\${s%.};bash -c "$s" bash${stdinRedirect};c=$?;${epilogue}`;
  const packed = [...head, gzipWrapper, 'sh', ...splitText(encoded, limits.maxArgChars)];
  const packedProblem = checkLimits(packed, limits);
  if (packedProblem === undefined) return { fits: true, argv: packed, marker, encoding: 'gzip-base64' };
  return {
    fits: false,
    marker,
    reason: `script does not fit the exec command limits even compressed (${packedProblem}); send it over stdin`,
  };
}

/**
 * The argv of a small bootstrap that reads exactly `byteLength` bytes of script from stdin
 * (`head -c`, so no stdin EOF is needed), stores them in a temp file and runs it with bash, stdin
 * from `/dev/null` unless `stdin` is true (then the bytes written after the script reach it).
 */
export function encodeStdinScript(
  byteLength: number,
  options: { marker?: string; stdin?: boolean } = {},
): { argv: string[]; marker: string } {
  if (!Number.isSafeInteger(byteLength) || byteLength < 0)
    throw new ExecValidationError('byteLength', 'must be a non-negative integer');
  const marker = checkMarker(options.marker ?? createExitMarker());
  const stdinRedirect = options.stdin ? '' : '</dev/null';
  const wrapper =
    `t=$(mktemp)||exit 125;trap 'rm -f "$t"' EXIT;head -c ${byteLength} >"$t"||exit 125;` +
    `bash "$t"${stdinRedirect};c=$?;${markerEpilogue(marker)}`;
  return { argv: ['/bin/sh', '-c', wrapper], marker };
}

export interface EncodeArgvOptions {
  /** Exit marker to print after the command (default: a fresh random one). */
  marker?: string;
  /** Directory to run in. */
  execDir?: string;
  /** Environment variables exported for the command. */
  env?: Record<string, string>;
  /** Leave the command's stdin connected to the stream (default false: `/dev/null`). */
  stdin?: boolean;
  /** Limits to check. Default {@link DEFAULT_EXEC_LIMITS}. */
  limits?: Partial<ExecLimits>;
}

/** Checks an argv from a user: a non-empty array of strings without NUL bytes. */
export function validateArgv(argv: unknown, field = 'argv'): string[] {
  if (!Array.isArray(argv) || argv.length === 0) throw new ExecValidationError(field, 'must be a non-empty array of strings');
  argv.forEach((element, index) => {
    if (typeof element !== 'string') throw new ExecValidationError(`${field}[${index}]`, 'must be a string');
    if (element.includes('\0')) throw new ExecValidationError(`${field}[${index}]`, 'must not contain a NUL byte');
  });
  if ((argv[0] as string).length === 0) throw new ExecValidationError(`${field}[0]`, 'the command name must not be empty');
  return argv as string[];
}

/**
 * Wraps a plain argv as `/bin/sh -c '…"$@"; printf <marker>'` so it gets an exit code over a stream
 * without a subprotocol. Returns `fits: false` when the result is over `limits`.
 */
export function encodeArgvCommand(argv: string[], options: EncodeArgvOptions = {}): EncodedShellCommand {
  validateArgv(argv);
  const limits = resolveLimits(options.limits);
  const marker = checkMarker(options.marker ?? createExitMarker());
  const prologue = prologueCommands(options)
    .map((command) => `${command};`)
    .join('');
  const stdinRedirect = options.stdin ? '' : '</dev/null';
  const wrapper = `${prologue}"$@"${stdinRedirect};c=$?;${markerEpilogue(marker)}`;
  const wrapped = ['/bin/sh', '-c', wrapper, 'sh', ...argv];
  const problem = checkLimits(wrapped, limits);
  if (problem !== undefined) return { fits: false, marker, reason: `argv does not fit the exec command limits (${problem})` };
  return { fits: true, argv: wrapped, marker, encoding: 'plain' };
}
