/** Options an {@link ExecLauncher} receives for one exec call. */
export interface ExecLaunchOptions {
  /** Whether the command gets a stdin stream (ExecContainerCommand `Stdin`). */
  stdin: boolean;
  /** Whether the command gets a terminal (ExecContainerCommand `TTY`). */
  tty: boolean;
  signal?: AbortSignal;
}

/**
 * Runs ExecContainerCommand (or anything like it) for `argv` and returns the stream's WebSocket
 * URL. Everything in this package that needs a new exec call takes one, so the package never
 * depends on an API client.
 */
export type ExecLauncher = (argv: string[], options: ExecLaunchOptions) => Promise<string>;
