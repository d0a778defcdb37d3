/**
 * Exit codes scripts can rely on. `bash` and `exec` exit with the remote command's own code
 * instead of `OK` (a command killed by a signal n gives 128 + n, as in a shell).
 */
export const ExitCode = {
  /** Everything worked. */
  OK: 0,
  /** The API refused the call, the network failed, or anything else went wrong. */
  ERROR: 1,
  /** The command line was wrong (unknown option, missing argument, a value the SDK refuses); nothing was sent. */
  USAGE: 2,
  /** A wait (`--wait`, `tmux wait`, `--timeout-ms`) ran out of time. Same code as timeout(1). */
  TIMEOUT: 124,
  /** Interrupted by Ctrl-C (SIGINT). */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    API, network or other error
  2    usage error (bad option, argument or value; nothing was sent)
  124  a wait timed out
  130  interrupted (Ctrl-C)
  bash and exec exit with the remote command's own exit code.`;
