import type { PollResult } from '@eci-sandbox/tmux-kit';
import type { TmuxPollResult } from '../results.js';

/**
 * tmux-kit's answer as the SDK's result. With `tailLines`, only the last lines of the returned
 * output are kept (and `outputTruncated` says so when lines were dropped).
 */
export function toTmuxPollResult(sessionId: string, state: PollResult, requestId: string, tailLines?: number): TmuxPollResult {
  let output = state.output;
  let outputTruncated = state.truncated;
  if (tailLines !== undefined) {
    const lines = output.split('\n');
    const trailing = lines.at(-1) === '' ? 1 : 0;
    if (lines.length - trailing > tailLines) {
      output = lines.slice(lines.length - trailing - tailLines).join('\n');
      outputTruncated = true;
    }
  }
  return {
    success: true,
    requestId,
    errorMessage: '',
    sessionId: state.sessionId || sessionId,
    status: state.status,
    exitCode: state.exitCode,
    output,
    outputTruncated,
    nextOffset: state.nextOffset,
  };
}
