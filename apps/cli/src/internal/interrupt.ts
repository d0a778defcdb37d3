/**
 * An AbortSignal that fires on Ctrl-C (SIGINT) or SIGTERM while `work` runs, so a remote
 * command is cancelled rather than left streaming. `interrupted()` tells whether that happened.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; interrupted: boolean }> {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    controller.abort(new Error('interrupted'));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const value = await work(controller.signal);
    return { value, interrupted };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
