import { EciApiError, EciConnectionError, type EciError, isThrottlingCode } from './errors.js';

/** Retries after the first attempt, unless the client or the call says otherwise. */
export const DEFAULT_MAX_RETRIES = 2;
/** First backoff ceiling; doubles each retry. */
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
/** Backoff ceiling. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 8_000;

/**
 * Which failures an action may be retried on.
 *
 * - `retryable-errors`: every retryable failure: throttling, `ServiceUnavailable`, `InternalError`,
 *   HTTP 5xx and connection failures. For reads (Describe*) and for writes that carry a
 *   `ClientToken` (CreateContainerGroup, DeleteContainerGroup, RestartContainerGroup), where ECI
 *   deduplicates a repeated request.
 * - `rejected-only`: only failures that prove the request did not run: throttling codes (the
 *   gateway refused it) and connections that failed before the request was sent. For
 *   ExecContainerCommand and other actions without idempotency, where a 5xx or a connection reset
 *   after sending may mean the command already ran.
 */
export type RetryPolicy = 'retryable-errors' | 'rejected-only';

/** The policy `client.request` applies to an action it has no typed method for. */
export function retryPolicyFor(action: string, params: Record<string, string>): RetryPolicy {
  if (/^(Describe|List|Get|Query)/.test(action)) return 'retryable-errors';
  if (params.ClientToken) return 'retryable-errors';
  return 'rejected-only';
}

/** Whether `error` may be retried under `policy`. */
export function shouldRetry(error: EciError, policy: RetryPolicy): boolean {
  if (!error.retryable) return false;
  if (policy === 'retryable-errors') return true;
  if (error instanceof EciApiError) return isThrottlingCode(error.code);
  if (error instanceof EciConnectionError) return error.beforeRequestSent;
  return false;
}

/** Options of {@link backoffDelayMs}. */
export interface BackoffOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A number in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Delay before retry number `retryIndex` (0 for the first retry): "full jitter", a uniform random
 * value between 0 and min(maxDelayMs, baseDelayMs × 2^retryIndex), so many clients throttled at the
 * same moment do not come back together.
 */
export function backoffDelayMs(retryIndex: number, options: BackoffOptions = {}): number {
  const { baseDelayMs = DEFAULT_RETRY_BASE_DELAY_MS, maxDelayMs = DEFAULT_RETRY_MAX_DELAY_MS, random = Math.random } = options;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/** Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
