import type {
  CommandResult,
  OperationResult,
  ReadFileResult,
  TmuxListResult,
  TmuxPollResult,
  TmuxStartResult,
  WriteFileResult,
} from '../results.js';

/** A persistent shell the tools run their commands in (what `Sandbox.openSession()` returns). */
export interface ToolShellSession {
  run(command: string, options?: { timeoutMs?: number }): Promise<CommandResult>;
  close(): Promise<void> | void;
}

/**
 * What the agent tools need from a sandbox. `Sandbox` has all of it; anything else with these
 * methods works too (tests, other backends).
 */
export interface ToolSandbox {
  readonly id: string;
  openSession(): ToolShellSession;
  readFile(path: string): Promise<ReadFileResult>;
  writeFile(path: string, content: string | Uint8Array): Promise<WriteFileResult>;
  tmuxStart(command: string, options?: { execDir?: string }): Promise<TmuxStartResult>;
  tmuxPoll(sessionId: string, options?: { offset?: number; maxBytes?: number; tailLines?: number }): Promise<TmuxPollResult>;
  tmuxWait(sessionId: string, options?: { timeoutMs?: number }): Promise<TmuxPollResult>;
  tmuxKill(sessionId: string): Promise<TmuxPollResult | OperationResult>;
  tmuxList(): Promise<TmuxListResult>;
}
