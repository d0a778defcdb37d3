import { TextDecoder } from 'node:util';

/** Keeps the first `limit` bytes of a stream and decodes pieces of it as UTF-8 for listeners. */
export class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private keptBytes = 0;
  private readonly decoder = new TextDecoder('utf-8');
  truncated = false;
  totalBytes = 0;

  constructor(
    private readonly limit: number,
    private readonly listener?: (text: string) => void,
  ) {}

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.totalBytes += bytes.length;
    if (this.keptBytes < this.limit) {
      const take = Math.min(this.limit - this.keptBytes, bytes.length);
      this.chunks.push(Buffer.from(bytes.subarray(0, take)));
      this.keptBytes += take;
      if (take < bytes.length) this.truncated = true;
    } else {
      this.truncated = true;
    }
    if (this.listener) {
      const text = this.decoder.decode(bytes, { stream: true });
      if (text.length > 0) this.listener(text);
    }
  }

  /** Flushes the decoder (a character cut at the end becomes U+FFFD). */
  end(): void {
    if (!this.listener) return;
    const tail = this.decoder.decode();
    if (tail.length > 0) this.listener(tail);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}
