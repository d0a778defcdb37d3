import type { TmuxPollResult, TmuxStatus } from '../results.js';

/** What tmux-kit's poll, wait and kill return (read loosely so field additions do not break us). */
export interface TmuxKitState {
  sessionId?: string;
  status: string;
  exitCode?: number | null;
  output?: string;
  outputTruncated?: boolean;
  nextOffset?: number;
}

const STATUSES: readonly TmuxStatus[] = ['RUNNING', 'COMPLETED', 'NOT_FOUND', 'ERROR'];

/** tmux-kit's answer as the SDK's result. */
export function toTmuxPollResult(sessionId: string, state: TmuxKitState, requestId: string): TmuxPollResult {
  const upper = state.status.toUpperCase() as TmuxStatus;
  const status = STATUSES.includes(upper) ? upper : 'ERROR';
  return {
    success: true,
    requestId,
    errorMessage: '',
    sessionId: state.sessionId ?? sessionId,
    status,
    exitCode: state.exitCode ?? null,
    output: state.output ?? '',
    outputTruncated: state.outputTruncated ?? false,
    nextOffset: state.nextOffset ?? 0,
  };
}
