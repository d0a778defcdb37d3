import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import {
  ExecAbortError,
  ExecStreamError,
  ExecTimeoutError,
  ExecValidationError,
  FileVerificationError,
  WriteOutcomeUnknownError,
} from './errors.js';
import type { ExecProcess, ExecResult } from './exec-process.js';
import { ByteCollector } from './internal/byte-collector.js';
import { Deadline } from './internal/deadline.js';
import { parseOptions } from './internal/validate.js';
import type { ExecLauncher } from './launcher.js';
import type { StreamOptions } from './run.js';
import { launchStream, runScript } from './run.js';
import type { ExecLimits } from './shell-encode.js';
import { encodeShellCommand, encodeStdinScript, shellQuote } from './shell-encode.js';

/** Default deadline for a file transfer, in ms (10 minutes: files can be large). */
export const DEFAULT_FILE_TIMEOUT_MS = 600_000;
/**
 * Most bytes per length-delimited chunk of a streamed source (what is buffered before sending).
 * Known-size data goes as one chunk: each chunk costs a `head` process in the sandbox.
 */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Known-size data is hashed and handed to the socket in slices of this size. */
const HASH_SLICE_BYTES = 2 * 1024 * 1024;
/** Deadline of the check that settles a write whose stream failed after all its data was sent. */
const SETTLE_TIMEOUT_MS = 30_000;
/** The settle check is idempotent, so a transport failure of its own call is tried again. */
const SETTLE_ATTEMPTS = 3;
const SETTLE_RETRY_DELAY_MS = 250;

export type FileData = Uint8Array | string | AsyncIterable<Uint8Array | string>;

export interface FileTransferOptions extends StreamOptions {
  signal?: AbortSignal;
  /** Deadline for the whole transfer, in ms. Default 600 000; 0 = none. */
  timeoutMs?: number;
  /** ExecContainerCommand's limits for the transfer's command. */
  limits?: Partial<ExecLimits>;
}

export interface WriteFileOptions extends FileTransferOptions {
  /** File mode, e.g. `0o644` or `'755'`. Default: the replaced file's mode, else 0666 minus the umask. */
  mode?: number | string;
  /** Expected byte count of a streamed source; the write fails (nothing replaced) if it differs. */
  size?: number;
}

export interface WriteFileResult {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ReadFileOptions extends FileTransferOptions {
  /** Transfer encoding: `raw` (default, falls back to base64 once if verification fails) or `base64`. */
  encoding?: 'raw' | 'base64';
}

const transferSchema = z.object({
  timeoutMs: z.number().int().nonnegative().finite().optional(),
  size: z.number().int().nonnegative().optional(),
  encoding: z.enum(['raw', 'base64']).optional(),
  protocol: z.enum(['none', 'v4', 'v5']).optional(),
});

function validatePath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) throw new ExecValidationError('path', 'must be a non-empty path');
  if (path.includes('\0')) throw new ExecValidationError('path', 'must not contain a NUL byte');
  return path;
}

function normalizeMode(mode: number | string | undefined): string {
  if (mode === undefined) return '';
  const text = typeof mode === 'number' ? (Number.isInteger(mode) && mode >= 0 && mode <= 0o7777 ? mode.toString(8) : '') : mode;
  if (!/^[0-7]{1,4}$/.test(text)) throw new ExecValidationError('mode', 'must be an octal file mode such as 0o644 or "755"');
  return text;
}

/*
 * Defines `sha FILE`, which prints the file's sha256 as 64 hex digits. OpenSSL's digest comes
 * first: it uses the CPU's SHA instructions, about 4x faster than coreutils' or busybox's
 * sha256sum, which do not (a 64 MiB file: ~40 ms against ~180 ms of CPU). Its output is checked,
 * so a missing or odd openssl falls back to sha256sum.
 */
const SHA_FUNCTION = `sha() {
  local h
  h=$(openssl dgst -sha256 -r <"$1" 2>/dev/null) && [[ $h =~ ^[0-9a-f]{64}[[:space:]] ]] || h=$(sha256sum <"$1") || return 1
  printf '%s\\n' "\${h%% *}"
}`;

/*
 * Sandbox side of writeFile. stdin carries chunks, each a decimal length line and then exactly that
 * many bytes (read with `head -c`: no stdin EOF needed), a `0` line, and the sha256 the client
 * computed. `head` writes straight into a temp file beside the target, which is hashed once the
 * bytes are in (a second read, from the page cache: cheaper than pushing every byte through `tee`
 * and one more pipe while the transfer runs). The temp file replaces the target (rename) only when
 * its size and sha256 measured here match. Anything else removes the temp file and keeps the old one.
 *
 * The temp file's name comes from the client's nonce (`.eci-write.<nonce>`), so that after a cut
 * stream the client can settle the outcome (settleScript): it is created and opened in one step
 * with noclobber, and after that only ever used by name, never created again, so a settle that
 * renamed it away leaves this script nothing to commit. A name already taken means a settle got
 * there first and left a tombstone: it is removed and nothing is written.
 */
export function writeScript(path: string, mode: string, nonce: string): string {
  return `set -u
p=${shellQuote(path, 'path')}
m=${shellQuote(mode, 'mode')}
case $p in */*) d=\${p%/*}; d=\${d:-/};; *) d=.;; esac
t="$d/.eci-write.${nonce}"
{ [ -d "$d" ] || mkdir -p -- "$d"; } || { echo "eci-write: cannot create the directory $d" >&2; exit 70; }
if ! { set -C; exec 3>"$t"; } 2>/dev/null; then
  set +C
  if [ -e "$t" ]; then rm -f -- "$t"; echo "eci-write: this write was already settled as not written" >&2; exit 70; fi
  echo "eci-write: cannot create a temp file in $d" >&2; exit 70
fi
set +C
trap 'rm -f -- "$t"' EXIT
trap 'exit 129' HUP INT TERM
${SHA_FUNCTION}
if [ -z "$m" ]; then
  if [ -e "$p" ]; then m=$(stat -c %a -- "$p" 2>/dev/null) || m=; fi
  [ -n "$m" ] || { u=$(umask); printf -v m '%o' $((0666 & ~0$u)); }
fi
# The mode is set before the bytes arrive, on a descriptor opened first (a read-only mode does
# not stop the writing): after the transfer, only measuring and the rename remain.
chmod -- "$m" "$t" || { echo "eci-write: cannot set mode $m on $t" >&2; exit 74; }
(
  while IFS= read -r n; do
    case $n in
      0) exit 0;;
      ''|*[!0-9]*) exit 71;;
    esac
    head -c "$n" || exit 72
  done
  exit 71
) >&3
r=$?
exec 3>&-
case $r in
  0) ;;
  72) echo "eci-write: cannot write $t" >&2; exit 72;;
  *) echo "eci-write: transfer aborted or cut short" >&2; exit "$r";;
esac
IFS= read -r want || { echo "eci-write: stream ended early" >&2; exit 71; }
s=$(wc -c <"$t") || exit 74
h=$(sha "$t") || { echo "eci-write: cannot hash $t" >&2; exit 74; }
printf '%s %s\\n' $((s + 0)) "$h"
[ "$h" = "$want" ] || { echo "eci-write: sha256 mismatch" >&2; exit 73; }
mv -f -- "$t" "$p" || exit 75
`;
}

/*
 * Settles a write whose stream failed after everything was sent. Of the writer's
 * `mv -f "$t" "$p"` and the rename here, exactly one can succeed: a claimed temp file means the
 * writer can no longer commit (removed: not written). No temp file means the writer committed
 * (the target holds the data's sha256), ended without committing, or has not created it yet: an
 * empty tombstone under its name then stops a late writer. The tombstone is tried twice, as the
 * writer may create its temp file in between; prints one of claimed, written, absent, unknown.
 */
export function settleScript(path: string, nonce: string, sha256: string): string {
  return `p=${shellQuote(path, 'path')}
want=${sha256}
case $p in */*) d=\${p%/*}; d=\${d:-/};; *) d=.;; esac
t="$d/.eci-write.${nonce}"
${SHA_FUNCTION}
for attempt in 1 2; do
  if mv -- "$t" "$t.claimed" 2>/dev/null; then rm -f -- "$t.claimed"; echo eci-settle claimed; exit 0; fi
  if [ -f "$p" ] && h=$(sha "$p") && [ "$h" = "$want" ]; then echo eci-settle written; exit 0; fi
  if { [ -d "$d" ] || mkdir -p -- "$d"; } 2>/dev/null && (set -C; : >"$t") 2>/dev/null; then echo eci-settle absent; exit 0; fi
done
echo eci-settle unknown
`;
}

/*
 * Sandbox side of readFile: first the size alone on stderr (`eci-size N`, so that the client can
 * allocate the whole buffer before the bytes arrive), then the size and sha256 as one line,
 * computed by a second process that reads the file while `cat` sends it (on two cores this
 * overlaps; hashing after the transfer measured ~15% slower).
 */
function readScript(path: string, encoding: 'raw' | 'base64'): string {
  return `p=${shellQuote(path, 'path')}
[ -f "$p" ] && [ -r "$p" ] || { echo "eci-read: not a readable file: $p" >&2; exit 66; }
s=$(wc -c <"$p") || exit 74
printf 'eci-size %s\n' $((s + 0)) >&2
${SHA_FUNCTION}
( h=$(sha "$p") && printf '\\n%s %s\\n' $((s + 0)) "$h" >&2 ) &
${encoding === 'base64' ? 'base64 <"$p" | tr -d "\\n"' : 'cat <"$p"'} || exit 74
wait $! || exit 74
`;
}

/** Launches a script (inline when it fits, else over stdin) whose own stdin stays connected. */
async function launchScript(
  launcher: ExecLauncher,
  script: string,
  options: FileTransferOptions,
  deadline: Deadline,
  streamOptions: {
    onStdoutBytes?: (bytes: Uint8Array) => void;
    onStderrBytes?: (bytes: Uint8Array) => void;
    killOnAbort: boolean;
    maxOutputBytes?: number;
    decodeText?: boolean;
  },
): Promise<ExecProcess> {
  const encoded = encodeShellCommand(script, { limits: options.limits, stdin: true });
  let argv: string[];
  let marker: string;
  let body: Buffer | undefined;
  if (encoded.fits) {
    argv = encoded.argv;
    marker = encoded.marker;
  } else {
    body = Buffer.from(script, 'utf8');
    ({ argv, marker } = encodeStdinScript(body.length, { stdin: true }));
  }
  const process = await launchStream(launcher, argv, true, deadline, {
    WebSocket: options.WebSocket,
    clientOptions: options.clientOptions,
    protocol: options.protocol,
    marker,
    signal: streamOptions.killOnAbort ? options.signal : undefined,
    maxOutputBytes: streamOptions.maxOutputBytes ?? 64 * 1024,
    onStdoutBytes: streamOptions.onStdoutBytes,
    onStderrBytes: streamOptions.onStderrBytes,
    decodeText: streamOptions.decodeText,
  });
  if (body) await process.write(body);
  return process;
}

async function* chunksOf(data: FileData): AsyncGenerator<Uint8Array> {
  if (typeof data === 'string') {
    yield Buffer.from(data, 'utf8');
  } else if (data instanceof Uint8Array) {
    yield data;
  } else if (data && typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    for await (const piece of data) yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
  } else {
    throw new ExecValidationError('data', 'must be a Uint8Array, a string, a Readable or an AsyncIterable of bytes');
  }
}

function failure(result: ExecResult, what: string): ExecStreamError {
  const detail = result.stderr.trim().split('\n').pop() ?? '';
  return new ExecStreamError(`${what} failed with exit code ${result.exitCode}${detail ? `: ${detail}` : ''}`);
}

/**
 * Runs settleScript after a write's stream failed once everything was sent: `written` when the new
 * file is in place, `not-written` when the writer can no longer commit (the previous file stays).
 * Throws WriteOutcomeUnknownError when the check itself fails. Bounded by its own deadline, as the
 * write's may be spent; the caller's signal still aborts it.
 */
async function settleWrite(
  launcher: ExecLauncher,
  path: string,
  nonce: string,
  sha256: string,
  options: WriteFileOptions,
  streamError: unknown,
): Promise<'written' | 'not-written'> {
  let settleError: unknown;
  for (let attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt += 1) {
    try {
      const result = await runScript(launcher, settleScript(path, nonce, sha256), {
        WebSocket: options.WebSocket,
        clientOptions: options.clientOptions,
        protocol: options.protocol,
        limits: options.limits,
        signal: options.signal,
        timeoutMs: SETTLE_TIMEOUT_MS,
        maxOutputBytes: 64 * 1024,
      });
      const verdict = /^eci-settle (claimed|written|absent|unknown)$/m.exec(result.stdout)?.[1];
      if (result.exitCode === 0 && verdict === 'written') return 'written';
      if (result.exitCode === 0 && (verdict === 'claimed' || verdict === 'absent')) return 'not-written';
      settleError = new ExecStreamError(
        verdict === 'unknown'
          ? 'the temp file could neither be claimed nor blocked'
          : `the check exited with code ${result.exitCode}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n').pop()}` : ''}`,
      );
      break;
    } catch (error) {
      settleError = error;
      const retryable = (error as { retryable?: unknown } | null)?.retryable === true;
      if (!retryable || attempt === SETTLE_ATTEMPTS || options.signal?.aborted) break;
      await delay(SETTLE_RETRY_DELAY_MS * attempt, undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => undefined,
      );
    }
  }
  throw new WriteOutcomeUnknownError(path, streamError, settleError);
}

/**
 * Writes exactly the given bytes to `path` in the sandbox: binary-safe, any size, streamed in
 * chunks with backpressure, parent directories created, atomic (temp file + rename), verified by
 * size and sha256 computed in the sandbox. A failed write leaves the previous file as it was. When
 * the stream fails after all the data was sent, one more exec call settles whether the new file
 * landed (then this resolves) or can no longer land (then the stream's error is thrown); if that
 * call fails too, `WriteOutcomeUnknownError`.
 */
export async function writeFile(
  launcher: ExecLauncher,
  path: string,
  data: FileData,
  options: WriteFileOptions = {},
): Promise<WriteFileResult> {
  if (typeof launcher !== 'function') throw new ExecValidationError('launcher', 'must be a function returning a WebSocket URL');
  validatePath(path);
  parseOptions(transferSchema, options);
  const mode = normalizeMode(options.mode);
  if (data === null || data === undefined) throw new ExecValidationError('data', 'is required');
  const deadline = new Deadline(
    options.timeoutMs === undefined ? DEFAULT_FILE_TIMEOUT_MS : options.timeoutMs || undefined,
    options.signal,
  );
  try {
    deadline.throwIfAborted('writeFile');
    // Aborts are handled here, between chunks, so that the sandbox can remove its temp file.
    const nonce = randomBytes(16).toString('hex');
    const process = await launchScript(launcher, writeScript(path, mode, nonce), options, deadline, { killOnAbort: false });
    const hash = createHash('sha256');
    let bytes = 0;
    let sourceError: unknown;
    const pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const sendChunk = async (chunk: Uint8Array): Promise<void> => {
      await process.write(`${chunk.length}\n`);
      await process.write(chunk);
    };
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const chunk = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending);
      pending.length = 0;
      pendingBytes = 0;
      await sendChunk(chunk);
    };
    try {
      try {
        if (typeof data === 'string' || data instanceof Uint8Array) {
          const whole = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
          bytes = whole.length;
          if (options.size !== undefined && bytes !== options.size) {
            throw new ExecValidationError('size', `the data has ${bytes} bytes, not the ${options.size} announced`);
          }
          // One chunk; hashing slice by slice overlaps with the socket sending the previous slice.
          if (bytes > 0) await process.write(`${bytes}\n`);
          for (let offset = 0; offset < bytes; offset += HASH_SLICE_BYTES) {
            const slice = whole.subarray(offset, offset + HASH_SLICE_BYTES);
            hash.update(slice);
            await process.write(slice);
            deadline.throwIfAborted('writeFile');
          }
        } else {
          for await (const piece of chunksOf(data)) {
            deadline.throwIfAborted('writeFile');
            hash.update(piece);
            bytes += piece.length;
            for (let offset = 0; offset < piece.length; ) {
              const take = Math.min(CHUNK_BYTES - pendingBytes, piece.length - offset);
              pending.push(piece.subarray(offset, offset + take));
              pendingBytes += take;
              offset += take;
              if (pendingBytes >= CHUNK_BYTES) {
                await flush();
                deadline.throwIfAborted('writeFile');
              }
            }
          }
        }
        if (options.size !== undefined && bytes !== options.size) {
          throw new ExecValidationError(
            'size',
            `the data had ${bytes} bytes, not the ${options.size} announced; nothing was written`,
          );
        }
        await flush();
      } catch (error) {
        sourceError = error;
      }
      if (sourceError !== undefined) {
        // Ask the sandbox to give up (it removes its temp file), then report why.
        await process.write('abort\n').catch(() => undefined);
        const ended = await Promise.race([
          process.wait().catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 5000).unref()),
        ]);
        if (ended === undefined) process.kill();
        throw deadline.error('writeFile') ?? sourceError;
      }
      const sha256 = hash.digest('hex');
      let result: ExecResult;
      try {
        // A failed write means the stream ended: its own end says how (the writer's exit status,
        // or the stream's error).
        await process.write(`0\n${sha256}\n`).catch(() => undefined);
        result = await process.wait();
      } catch (error) {
        process.kill();
        if (error instanceof ExecTimeoutError || error instanceof ExecAbortError || deadline.error() !== undefined) throw error;
        // Everything may have arrived: the writer may have committed, or may still commit.
        if ((await settleWrite(launcher, path, nonce, sha256, options, error)) === 'written') return { path, bytes, sha256 };
        throw error;
      }
      const reported = /^(\d+) ([0-9a-f]{64})$/m.exec(result.stdout);
      const actual = reported ? { bytes: Number(reported[1]), sha256: reported[2] as string } : undefined;
      if (result.exitCode === 73 || (result.exitCode === 0 && (actual?.bytes !== bytes || actual?.sha256 !== sha256))) {
        throw new FileVerificationError(
          path,
          'the file measured in the sandbox differs from the data sent; nothing was replaced',
          {
            expected: { bytes, sha256 },
            actual,
          },
        );
      }
      if (result.exitCode !== 0) throw failure(result, `writeFile ${path}`);
      return { path, bytes, sha256 };
    } catch (error) {
      process.kill();
      if (error instanceof ExecTimeoutError || error instanceof ExecAbortError || error instanceof WriteOutcomeUnknownError)
        throw error;
      throw deadline.error('writeFile') ?? error;
    }
  } finally {
    deadline.dispose();
  }
}

interface Measured {
  bytes: number;
  sha256: string;
}

function parseMeta(stderr: string): Measured | undefined {
  const match = /(?:^|\n)(\d+) ([0-9a-f]{64})\n/.exec(stderr);
  return match ? { bytes: Number(match[1]), sha256: match[2] as string } : undefined;
}

async function readOnce(
  launcher: ExecLauncher,
  path: string,
  encoding: 'raw' | 'base64',
  options: ReadFileOptions,
  deadline: Deadline,
): Promise<{ data: Buffer; expected: Measured; actual: Measured }> {
  const received = new ByteCollector();
  const stderrChunks: Buffer[] = [];
  // Until the first stdout bytes, stderr is watched for the size line (raw only: base64 is longer).
  let sizeAnnounced = encoding !== 'raw';
  const hash = encoding === 'raw' ? createHash('sha256') : undefined;
  // Output is collected here, not kept a second time by the stream.
  const process = await launchScript(launcher, readScript(path, encoding), options, deadline, {
    killOnAbort: true,
    maxOutputBytes: 0,
    // Hashed and copied (or, without a size, kept: ws never reuses a frame's buffer) as each frame arrives.
    onStdoutBytes: (bytes) => {
      sizeAnnounced = true;
      hash?.update(bytes);
      received.push(bytes);
    },
    onStderrBytes: (bytes) => {
      stderrChunks.push(Buffer.from(bytes));
      if (sizeAnnounced) return;
      const size = /^eci-size (\d+)\n/.exec(Buffer.concat(stderrChunks).toString('latin1'));
      if (size) {
        sizeAnnounced = true;
        received.expect(Number(size[1]));
      }
    },
  });
  const result = { ...(await process.wait()), stderr: Buffer.concat(stderrChunks).toString('utf8') };
  if (result.exitCode !== 0) throw failure(result, `readFile ${path}`);
  const expected = parseMeta(result.stderr);
  if (!expected) throw new ExecStreamError(`readFile ${path}: the sandbox did not report the file's size and sha256`);
  const bytes = received.take();
  const data = encoding === 'base64' ? Buffer.from(bytes.toString('latin1'), 'base64') : bytes;
  const actual = { bytes: data.length, sha256: (hash ?? createHash('sha256').update(data)).digest('hex') };
  return { data, expected, actual };
}

/**
 * Reads a file from the sandbox, verified against the size and sha256 computed there. If the raw
 * transfer arrives corrupted, it is read once more as base64; if that fails too,
 * `FileVerificationError`.
 */
export async function readFile(launcher: ExecLauncher, path: string, options: ReadFileOptions = {}): Promise<Uint8Array> {
  if (typeof launcher !== 'function') throw new ExecValidationError('launcher', 'must be a function returning a WebSocket URL');
  validatePath(path);
  parseOptions(transferSchema, options);
  const deadline = new Deadline(
    options.timeoutMs === undefined ? DEFAULT_FILE_TIMEOUT_MS : options.timeoutMs || undefined,
    options.signal,
  );
  try {
    const encodings: Array<'raw' | 'base64'> = options.encoding === 'base64' ? ['base64'] : ['raw', 'base64'];
    let last: { expected: Measured; actual: Measured } | undefined;
    for (const encoding of encodings) {
      const attempt = await readOnce(launcher, path, encoding, options, deadline);
      if (attempt.expected.bytes === attempt.actual.bytes && attempt.expected.sha256 === attempt.actual.sha256)
        return attempt.data;
      last = attempt;
    }
    throw new FileVerificationError(path, 'the bytes received differ from the file measured in the sandbox', {
      expected: last?.expected,
      actual: last?.actual,
    });
  } finally {
    deadline.dispose();
  }
}

/**
 * Streams a file from the sandbox in pieces, with backpressure (bounded memory for any size). The
 * size and sha256 are checked at the end: a mismatch throws `FileVerificationError` from the
 * iteration (there is no fallback, since the pieces were already handed out).
 */
export async function* readFileStream(
  launcher: ExecLauncher,
  path: string,
  options: FileTransferOptions = {},
): AsyncGenerator<Uint8Array> {
  if (typeof launcher !== 'function') throw new ExecValidationError('launcher', 'must be a function returning a WebSocket URL');
  validatePath(path);
  parseOptions(transferSchema, options);
  const deadline = new Deadline(
    options.timeoutMs === undefined ? DEFAULT_FILE_TIMEOUT_MS : options.timeoutMs || undefined,
    options.signal,
  );
  let process: ExecProcess | undefined;
  try {
    // Binary: the events' bytes only (decoding every byte as UTF-8 made this about 4x slower).
    process = await launchScript(launcher, readScript(path, 'raw'), options, deadline, {
      killOnAbort: true,
      maxOutputBytes: 0,
      decodeText: false,
    });
    const hash = createHash('sha256');
    let bytes = 0;
    const stderrChunks: Uint8Array[] = [];
    for await (const event of process) {
      if (event.type === 'stderr') {
        stderrChunks.push(event.bytes);
        continue;
      }
      if (event.bytes.length === 0) continue;
      hash.update(event.bytes);
      bytes += event.bytes.length;
      yield event.bytes;
    }
    const result = await process.wait();
    const stderr = Buffer.concat(stderrChunks).toString('utf8');
    if (result.exitCode !== 0) throw failure({ ...result, stderr }, `readFile ${path}`);
    const expected = parseMeta(stderr);
    const actual = { bytes, sha256: hash.digest('hex') };
    if (!expected || expected.bytes !== actual.bytes || expected.sha256 !== actual.sha256) {
      throw new FileVerificationError(path, 'the bytes received differ from the file measured in the sandbox', {
        expected,
        actual,
      });
    }
  } finally {
    process?.close();
    deadline.dispose();
  }
}
