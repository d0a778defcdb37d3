const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_INTERVAL_MS = 80;

export interface Spinner {
  /** Changes the text beside the spinner. */
  update(text: string): void;
  /** Stops and erases the spinner line. */
  stop(): void;
}

/**
 * A spinner on `stream` while something is awaited. It draws only when `enabled` (the stream is a
 * TTY and the output is not JSON); otherwise it does nothing, so pipes and logs stay clean.
 */
export function createSpinner(stream: NodeJS.WriteStream, text: string, enabled: boolean): Spinner {
  if (!enabled) return { update() {}, stop() {} };
  let current = text;
  let frame = 0;
  const draw = (): void => {
    stream.write(`\r\u001b[2K${FRAMES[frame % FRAMES.length]} ${current}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, FRAME_INTERVAL_MS);
  timer.unref();
  let stopped = false;
  return {
    update(next) {
      current = next;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\u001b[2K');
    },
  };
}
