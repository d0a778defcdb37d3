export {
  Channel,
  SUBPROTOCOL_V4,
  SUBPROTOCOL_V5,
  decodeFrame,
  encodeClose,
  encodeExitStatus,
  encodeFrame,
  encodeResize,
  parseStatus,
} from './frame.js';
export type { ChannelNumber, Frame, StatusMessage } from './frame.js';
export {
  ExecAbortError,
  ExecConnectionError,
  ExecServerError,
  ExecStreamError,
  ExecTimeoutError,
  ExecValidationError,
  FileVerificationError,
  StreamTruncatedError,
  WriteOutcomeUnknownError,
} from './errors.js';
export type { ReceivedOutput } from './errors.js';
export type { ExecLauncher, ExecLaunchOptions } from './launcher.js';
export { DEFAULT_MAX_OUTPUT_BYTES, ExecProcess, openExec, validateExecUrl } from './exec-process.js';
export type { ExecOutputEvent, ExecProtocol, ExecResult, OpenExecOptions, WebSocketConstructor } from './exec-process.js';
export {
  DEFAULT_EXEC_LIMITS,
  checkLimits,
  createExitMarker,
  encodeArgvCommand,
  encodeShellCommand,
  encodeStdinScript,
  shellQuote,
} from './shell-encode.js';
export type { EncodeArgvOptions, EncodeShellOptions, EncodedShellCommand, ExecLimits } from './shell-encode.js';
export { DEFAULT_TIMEOUT_MS, runArgv, runScript } from './run.js';
export type { RunOptions, RunResult, StreamOptions } from './run.js';
export { redactExecUrl } from './internal/redact.js';
export { ShellSession } from './shell-session.js';
export type { SessionRunOptions, SessionRunResult, ShellSessionOptions } from './shell-session.js';
export { DEFAULT_FILE_TIMEOUT_MS, readFile, readFileStream, writeFile } from './file-transfer.js';
export type { FileData, FileTransferOptions, ReadFileOptions, WriteFileOptions, WriteFileResult } from './file-transfer.js';
