export { EciSandbox } from './eci-sandbox.js';
export { Sandbox } from './sandbox.js';
export { SandboxSession } from './sandbox-session.js';
export type { SessionRunOptions } from './sandbox-session.js';
export { SandboxTerminal } from './sandbox-terminal.js';
export { eciSandboxOptionsSchema } from './options.js';
export type {
  EciCredentials,
  EciCredentialsProvider,
  EciSandboxLogger,
  EciSandboxOptions,
  ExecCommandLimits,
} from './options.js';
export type {
  BashOptions,
  CreateOptions,
  ExecCommandOptions,
  ListOptions,
  FileOptions,
  LogsOptions,
  SessionOptions,
  TerminalOptions,
  TmuxPollOptions,
  TmuxStartOptions,
  TmuxWaitOptions,
} from './method-options.js';
export type {
  CommandResult,
  LogsResult,
  OperationResult,
  ReadFileResult,
  SandboxInfo,
  SandboxInfoResult,
  SandboxListResult,
  SandboxResult,
  TerminalExitResult,
  TerminalResult,
  TmuxListResult,
  TmuxPollResult,
  TmuxSessionInfo,
  TmuxStartResult,
  TmuxStatus,
  WriteFileResult,
} from './results.js';
export { createSandboxTools, DEFAULT_OUTPUT_DIR } from './agent-tools/create-sandbox-tools.js';
export type { SandboxToolName, SandboxTools, SandboxToolsOptions } from './agent-tools/create-sandbox-tools.js';
export { defineTool, toolJsonSchema } from './agent-tools/sandbox-tool.js';
export type { SandboxTool, ToolOutput } from './agent-tools/sandbox-tool.js';
export type { ToolSandbox, ToolShellSession } from './agent-tools/tool-sandbox.js';
export { budgetOutput, DEFAULT_OUTPUT_BUDGET_BYTES, formatTruncationNotice } from './agent-tools/output-budget.js';
export type { BudgetedOutput, TruncationNoticeOptions, TruncationSource } from './agent-tools/output-budget.js';
export { toAnthropicTools, toOpenAITools, toVercelAITools } from './agent-tools/adapters.js';
export type {
  AnthropicToolDefinition,
  AnthropicToolResult,
  AnthropicTools,
  AnthropicToolUse,
  OpenAIToolCall,
  OpenAIToolDefinition,
  OpenAIToolMessage,
  OpenAITools,
  VercelAITool,
} from './agent-tools/adapters.js';
export {
  EciAbortError,
  EciApiError,
  EciConnectionError,
  EciError,
  EciTimeoutError,
  EciValidationError,
  redactSecrets,
} from '@eci-sandbox/core-api';
export type { WebSocketConstructor } from '@eci-sandbox/exec-stream';
export {
  ExecAbortError,
  ExecStreamError,
  ExecTimeoutError,
  FileVerificationError,
  StreamTruncatedError,
} from '@eci-sandbox/exec-stream';
