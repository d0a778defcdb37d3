export type { ShellRunner, ShellRunOptions, ShellRunResult } from './shell-runner.js';
export { createLocalRunner } from './local-runner.js';
export type { LocalRunnerOptions } from './local-runner.js';
export { TmuxKit, createTmuxKit } from './tmux-kit.js';
export type {
  CleanupResult,
  JobStatus,
  KillResult,
  PollOptions,
  PollResult,
  SessionInfo,
  StartOptions,
  TmuxKitOptions,
  WaitOptions,
  WaitResult,
} from './tmux-kit.js';
export { shellQuote } from './shell-quote.js';
export { stripTerminalEscapes } from './terminal-text.js';
export { ENV_NAME_PATTERN, SESSION_ID_PATTERN, generateSessionId, validateSessionId } from './validation.js';
export {
  SessionExistsError,
  SessionNotFoundError,
  TmuxAbortError,
  TmuxKitError,
  TmuxNotFoundError,
  TmuxScriptError,
  TmuxTimeoutError,
  TmuxTransportError,
  TmuxValidationError,
} from './errors.js';
