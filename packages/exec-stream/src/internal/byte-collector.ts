import { constants } from 'node:buffer';

/**
 * Gathers the pieces of a byte stream into one buffer. When the total is announced before the
 * first piece (`expect`), the buffer is allocated once and each piece is copied in as it arrives,
 * while it is still in the CPU's cache, and can be freed at once; the bytes are then ready when the
 * stream ends instead of after one more copy of everything. Without an announcement, or when more
 * bytes arrive than announced, the pieces are kept and joined once at the end.
 */
export class ByteCollector {
  private readonly pieces: Uint8Array[] = [];
  private buffer: Buffer | undefined;
  private length = 0;

  /** Bytes collected so far. */
  get bytes(): number {
    return this.length;
  }

  /** Announces the total size; only heeded before the first piece. Returns whether it is used. */
  expect(size: number): boolean {
    if (this.length > 0 || this.buffer || !Number.isSafeInteger(size) || size <= 0 || size > constants.MAX_LENGTH) return false;
    try {
      this.buffer = Buffer.allocUnsafe(size);
    } catch {
      // Too large to allocate at once: keep the pieces instead.
      return false;
    }
    return true;
  }

  /**
   * Adds a piece. Without an announced size the piece itself is kept, not a copy: pass pieces that
   * nothing else will write to.
   */
  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.buffer) {
      if (this.length + piece.length <= this.buffer.length) {
        this.buffer.set(piece, this.length);
        this.length += piece.length;
        return;
      }
      // More than announced (the source grew): what was copied so far becomes the first piece.
      this.pieces.push(this.buffer.subarray(0, this.length));
      this.buffer = undefined;
    }
    this.pieces.push(piece);
    this.length += piece.length;
  }

  /** All bytes collected, in order (a view of the preallocated buffer when it was used). */
  take(): Buffer {
    if (this.buffer) return this.buffer.subarray(0, this.length);
    return Buffer.concat(this.pieces, this.length);
  }
}
