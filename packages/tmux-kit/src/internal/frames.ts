/** One status line of a kit script: `#<nonce> <kind> <fields...>`. */
export interface Frame {
  kind: string;
  fields: string[];
}

/**
 * Splits a script's stdout into frames. Only lines that start with `#<nonce> ` count; anything
 * else (a login banner, a transport's own noise) is ignored. Job output travels base64-encoded
 * inside `D` frames, so it can never look like a frame.
 */
export class FrameParser {
  private readonly prefix: string;
  private buffer = '';

  constructor(
    nonce: string,
    private readonly onFrame: (frame: Frame) => void,
  ) {
    this.prefix = `#${nonce} `;
  }

  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      this.line(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
    }
  }

  /** Parses a last line that had no newline. */
  end(): void {
    if (this.buffer) this.line(this.buffer);
    this.buffer = '';
  }

  private line(text: string): void {
    // Transports with a terminal turn \n into \r\n.
    const line = text.replace(/\r+$/, '');
    if (!line.startsWith(this.prefix)) return;
    const parts = line.slice(this.prefix.length).split(' ');
    const [kind, ...fields] = parts;
    if (kind) this.onFrame({ kind, fields });
  }
}

/** Parses every frame of a complete stdout. */
export function parseFrames(stdout: string, nonce: string): Frame[] {
  const frames: Frame[] = [];
  const parser = new FrameParser(nonce, (frame) => frames.push(frame));
  parser.push(stdout);
  parser.end();
  return frames;
}
