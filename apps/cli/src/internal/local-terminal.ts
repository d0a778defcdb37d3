/**
 * Puts the local terminal in raw mode for an interactive session and guarantees it is restored
 * on every way out: normal end, error, signal, or the process exiting.
 */
export interface LocalTerminal {
  readonly isTTY: boolean;
  /** Current size, or a classic default when stdout is not a terminal. */
  size(): { cols: number; rows: number };
  /** Calls `listener` with the new size whenever the window is resized. */
  onResize(listener: (size: { cols: number; rows: number }) => void): void;
  /** Calls `listener` with each chunk typed (raw bytes: Ctrl-C arrives as 0x03). */
  onInput(listener: (bytes: Buffer) => void): void;
  /** Leaves raw mode and stops reading. Idempotent. */
  restore(): void;
}

export function enterRawTerminal(
  stdin: NodeJS.ReadStream = process.stdin,
  stdout: NodeJS.WriteStream = process.stdout,
): LocalTerminal {
  const isTTY = stdin.isTTY === true;
  const wasRaw = isTTY ? stdin.isRaw : false;
  const cleanups: Array<() => void> = [];
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // Restoring is best effort per step; the others must still run.
      }
    }
  };
  if (isTTY) {
    stdin.setRawMode(true);
    cleanups.push(() => stdin.setRawMode(wasRaw));
  }
  // The last resort: even process.exit() from elsewhere leaves the terminal usable.
  process.once('exit', restore);
  cleanups.push(() => process.off('exit', restore));
  return {
    isTTY,
    size: () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 }),
    onResize(listener) {
      const handler = (): void => listener({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
      stdout.on('resize', handler);
      cleanups.push(() => stdout.off('resize', handler));
    },
    onInput(listener) {
      const handler = (chunk: Buffer | string): void => listener(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      stdin.on('data', handler);
      stdin.resume();
      cleanups.push(() => {
        stdin.off('data', handler);
        stdin.pause();
      });
    },
    restore,
  };
}
