import { stripTerminalEscapes } from '../terminal-text.js';

/**
 * Printed by the job's wrapper after the command ends (an OSC sequence terminals ignore). The
 * wrapper waits until the log ends with it before recording the exit code, which proves every byte
 * the command printed reached the log. Readers cut the log there.
 */
export const END_MARKER = Buffer.from('\x1b]5379;eci-end\x07', 'latin1');

/** The longest unterminated escape sequence held back for the next chunk. */
const MAX_HELD_ESCAPE_BYTES = 4096;

/**
 * Turns consecutive byte chunks of a job's raw log into text. Holds back, for the next chunk,
 * bytes that cannot be decoded yet: an incomplete UTF-8 character, a partial end marker and (unless
 * raw) an unterminated escape sequence or a trailing carriage return. `offset` is the byte offset
 * of the first byte not yet turned into text: the `nextOffset` a caller resumes from.
 */
export class OutputDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private consumed: number;
  private markerSeen = false;

  constructor(
    startOffset: number,
    private readonly raw: boolean,
  ) {
    this.consumed = startOffset;
  }

  /** Byte offset of the first byte not yet returned as text. */
  get offset(): number {
    return this.consumed;
  }

  /** The end marker was seen: the job's output is complete at `offset` (once flushed). */
  get ended(): boolean {
    return this.markerSeen;
  }

  /** Bytes held back. */
  get heldBytes(): number {
    return this.pending.length;
  }

  /** Adds a chunk; returns the text it completes. Bytes after the end marker are ignored. */
  push(bytes: Uint8Array): string {
    if (this.markerSeen) return '';
    let buffer = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
    const markerAt = buffer.indexOf(END_MARKER);
    if (markerAt !== -1) {
      buffer = buffer.subarray(0, markerAt);
      this.markerSeen = true;
      this.pending = Buffer.alloc(0);
      return this.take(buffer, buffer.length);
    }
    const cut = this.safeCut(buffer);
    this.pending = Buffer.from(buffer.subarray(cut));
    return this.take(buffer, cut);
  }

  /** Returns whatever is held back (no more bytes will come). */
  flush(): string {
    const buffer = this.pending;
    this.pending = Buffer.alloc(0);
    return this.take(buffer, buffer.length);
  }

  private take(buffer: Buffer, cut: number): string {
    if (cut === 0) return '';
    this.consumed += cut;
    const text = buffer.subarray(0, cut).toString('utf8');
    return this.raw ? text : stripTerminalEscapes(text);
  }

  /** The length of the prefix of `buffer` that can be decoded now. */
  private safeCut(buffer: Buffer): number {
    let cut = buffer.length;
    cut = Math.min(cut, buffer.length - partialMarkerLength(buffer));
    cut = Math.min(cut, buffer.length - incompleteUtf8Length(buffer));
    if (!this.raw) {
      const escapeAt = unterminatedEscapeStart(buffer);
      if (escapeAt !== -1) cut = Math.min(cut, escapeAt);
      if (cut > 0 && buffer[cut - 1] === 0x0d) cut -= 1;
    }
    return Math.max(cut, 0);
  }
}

/** How many bytes at the end of `buffer` form a proper prefix of the end marker. */
function partialMarkerLength(buffer: Buffer): number {
  for (let length = Math.min(END_MARKER.length - 1, buffer.length); length > 0; length--) {
    if (buffer.subarray(buffer.length - length).equals(END_MARKER.subarray(0, length))) return length;
  }
  return 0;
}

/** How many bytes at the end of `buffer` begin a UTF-8 character that is not complete yet. */
export function incompleteUtf8Length(buffer: Buffer): number {
  // Walk back over at most 3 continuation bytes to the lead byte.
  for (let back = 1; back <= Math.min(4, buffer.length); back++) {
    const byte = buffer[buffer.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    let needed = 1;
    if ((byte & 0xe0) === 0xc0) needed = 2;
    else if ((byte & 0xf0) === 0xe0) needed = 3;
    else if ((byte & 0xf8) === 0xf0) needed = 4;
    return needed > back ? back : 0;
  }
  return 0;
}

/** Where an escape sequence that has not ended yet starts in the tail of `buffer`, or -1. */
function unterminatedEscapeStart(buffer: Buffer): number {
  const from = Math.max(0, buffer.length - MAX_HELD_ESCAPE_BYTES);
  const escapeAt = buffer.lastIndexOf(0x1b);
  if (escapeAt < from) return -1;
  // The last ESC may be the ST (ESC \) ending an earlier string sequence; look for the start of that.
  return sequenceEnd(buffer, escapeAt) === -1 ? earliestOpenString(buffer, from, escapeAt) : -1;
}

/** If the ESC at `escapeAt` is inside an open string sequence that started earlier, return its start. */
function earliestOpenString(buffer: Buffer, from: number, escapeAt: number): number {
  let position = from;
  while (position < escapeAt) {
    const next = buffer.indexOf(0x1b, position);
    if (next === -1 || next >= escapeAt) break;
    const end = sequenceEnd(buffer, next);
    if (end === -1) return next;
    position = Math.max(end, next + 1);
  }
  return escapeAt;
}

/** The index just past the escape sequence starting at `start`, or -1 when it does not end in `buffer`. */
function sequenceEnd(buffer: Buffer, start: number): number {
  const introducer = buffer[start + 1];
  if (introducer === undefined) return -1;
  if (introducer === 0x5b) {
    // CSI: parameter and intermediate bytes, then a final byte 0x40-0x7e.
    for (let index = start + 2; index < buffer.length; index++) {
      const byte = buffer[index]!;
      if (byte >= 0x40 && byte <= 0x7e) return index + 1;
      if (byte < 0x20 || byte > 0x3f) return index; // malformed: stop holding
    }
    return -1;
  }
  if (introducer === 0x5d || introducer === 0x50 || introducer === 0x58 || introducer === 0x5e || introducer === 0x5f) {
    // String sequences: end at BEL (OSC only) or ST (ESC \).
    for (let index = start + 2; index < buffer.length; index++) {
      const byte = buffer[index]!;
      if (byte === 0x07 && introducer === 0x5d) return index + 1;
      if (byte === 0x1b) {
        const following = buffer[index + 1];
        if (following === undefined) return -1;
        return following === 0x5c ? index + 2 : index;
      }
    }
    return -1;
  }
  // Short forms: intermediates 0x20-0x2f, then a final byte 0x30-0x7e.
  for (let index = start + 1; index < buffer.length; index++) {
    const byte = buffer[index]!;
    if (byte >= 0x30 && byte <= 0x7e) return index + 1;
    if (byte < 0x20 || byte > 0x2f) return index;
  }
  return -1;
}
