/**
 * Finds an in-band exit marker, `\n<MARKER><digits>\n`, in a byte stream and strips exactly those
 * bytes. With `carriageReturn` (a TTY, whose terminal writes `\r\n`) a `\r` before each `\n` is
 * part of the marker too; without it a `\r` is always output, so output ending in `\r` stays whole.
 *
 * Bytes that could still turn out to be the start of the marker are held back; everything else is
 * released at once, so callers see output with at most one marker's length of delay.
 *
 * - `end` mode: the marker only counts as the very last bytes of the stream. Text that looks like
 *   the marker but is followed by more output (a fake, or the command printing its own wrapper) is
 *   released as ordinary output.
 * - `first` mode: the first complete marker ends the record; bytes after it are returned as `rest`
 *   (a persistent session, where the nonce is per command and nothing else can know it).
 */

const CR = 0x0d;
const LF = 0x0a;
const MAX_DIGITS = 10;

type Match = { kind: 'no' } | { kind: 'partial' } | { kind: 'complete'; end: number; exitCode: number };

export interface ScanResult {
  /** Output to release now (marker bytes removed). */
  output: Uint8Array;
  /** In `first` mode, set once the marker is complete. */
  done?: { exitCode: number; rest: Uint8Array };
}

export class MarkerScanner {
  private readonly marker: Buffer;
  private readonly mode: 'end' | 'first';
  private readonly carriageReturn: boolean;
  private pending: Buffer = Buffer.alloc(0);
  private finished = false;

  constructor(marker: string, mode: 'end' | 'first' = 'end', options: { carriageReturn?: boolean } = {}) {
    if (marker.length === 0) throw new RangeError('marker must not be empty');
    this.marker = Buffer.from(marker, 'utf8');
    this.mode = mode;
    this.carriageReturn = options.carriageReturn ?? false;
  }

  /** The longest marker line: `\r\n` + marker + digits + `\r\n`. */
  get maxMarkerBytes(): number {
    return this.marker.length + MAX_DIGITS + 4;
  }

  push(chunk: Uint8Array): ScanResult {
    if (this.finished) return { output: chunk };
    const buffer =
      this.pending.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([this.pending, chunk]);

    if (this.mode === 'first') {
      const complete = this.findFirstComplete(buffer);
      if (complete) {
        this.finished = true;
        this.pending = Buffer.alloc(0);
        return {
          output: buffer.subarray(0, complete.start),
          done: { exitCode: complete.exitCode, rest: buffer.subarray(complete.end) },
        };
      }
    }

    const hold = this.holdStart(buffer);
    // Copy what is held: the caller may reuse the chunk's memory.
    this.pending = Buffer.from(buffer.subarray(hold));
    return { output: buffer.subarray(0, hold) };
  }

  /** Ends the stream: the exit code when the held bytes are exactly a marker, else they are output. */
  finish(): { output: Uint8Array; exitCode: number | undefined } {
    const pending = this.pending;
    this.pending = Buffer.alloc(0);
    if (this.finished) return { output: pending, exitCode: undefined };
    this.finished = true;
    if (pending.length > 0) {
      const match = this.match(pending, 0);
      if (match.kind === 'complete' && match.end === pending.length)
        return { output: new Uint8Array(0), exitCode: match.exitCode };
    }
    return { output: pending, exitCode: undefined };
  }

  /** Index from which the buffer's tail could still be (the start of) a final marker. */
  private holdStart(buffer: Buffer): number {
    const windowStart = Math.max(0, buffer.length - this.maxMarkerBytes);
    for (let index = windowStart; index < buffer.length; index += 1) {
      const byte = buffer[index];
      if (byte !== LF && !(this.carriageReturn && byte === CR)) continue;
      const match = this.match(buffer, index);
      if (match.kind === 'partial' || (match.kind === 'complete' && match.end === buffer.length)) return index;
    }
    return buffer.length;
  }

  private findFirstComplete(buffer: Buffer): { start: number; end: number; exitCode: number } | undefined {
    let from = 0;
    for (;;) {
      const at = buffer.indexOf(this.marker, from);
      if (at < 0) return undefined;
      from = at + 1;
      if (at < 1 || buffer[at - 1] !== LF) continue;
      const start = this.carriageReturn && at >= 2 && buffer[at - 2] === CR ? at - 2 : at - 1;
      const match = this.match(buffer, start);
      if (match.kind === 'complete') return { start, end: match.end, exitCode: match.exitCode };
    }
  }

  /** Matches `\r?\n MARKER \d{1,10} \r?\n` at `start`. */
  private match(buffer: Buffer, start: number): Match {
    const length = buffer.length;
    let position = start;
    if (this.carriageReturn && buffer[position] === CR) {
      position += 1;
      if (position === length) return { kind: 'partial' };
    }
    if (buffer[position] !== LF) return { kind: 'no' };
    position += 1;
    for (const byte of this.marker) {
      if (position === length) return { kind: 'partial' };
      if (buffer[position] !== byte) return { kind: 'no' };
      position += 1;
    }
    const digitsStart = position;
    while (position < length && (buffer[position] as number) >= 0x30 && (buffer[position] as number) <= 0x39) {
      position += 1;
      if (position - digitsStart > MAX_DIGITS) return { kind: 'no' };
    }
    if (position === length) return { kind: 'partial' };
    if (position === digitsStart) return { kind: 'no' };
    const exitCode = Number(buffer.subarray(digitsStart, position).toString('latin1'));
    if (this.carriageReturn && buffer[position] === CR) {
      position += 1;
      if (position === length) return { kind: 'partial' };
    }
    if (buffer[position] !== LF) return { kind: 'no' };
    position += 1;
    if (this.mode === 'end' && position !== length) return { kind: 'no' };
    return { kind: 'complete', end: position, exitCode };
  }
}
