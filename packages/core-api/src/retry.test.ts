import { describe, expect, it } from 'vitest';
import { EciAbortError, EciConnectionError, createApiError } from './errors.js';
import { backoffDelayMs, parseRetryAfter, retryPolicyFor, shouldRetry } from './retry.js';

describe('backoffDelayMs', () => {
  it('is full jitter under an exponential, capped ceiling', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 10].map((retry) => backoffDelayMs(retry, { random: top }))).toEqual([
      499, 999, 1999, 3999, 7999, 7999, 7999,
    ]);
    expect(backoffDelayMs(3, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(1, { random: () => 0.5, baseDelayMs: 100, maxDelayMs: 150 })).toBe(75);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.25')).toBe(250);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('retry policies', () => {
  const throttled = createApiError({ code: 'Throttling.User', httpStatus: 400 });
  const internal = createApiError({ code: 'InternalError', httpStatus: 500 });
  const invalid = createApiError({ code: 'InvalidParameter', httpStatus: 400 });
  const refused = new EciConnectionError('refused', { beforeRequestSent: true });
  const reset = new EciConnectionError('reset');

  it('retryable-errors retries every retryable failure', () => {
    expect(
      [throttled, internal, refused, reset, invalid, new EciAbortError('x')].map((error) =>
        shouldRetry(error, 'retryable-errors'),
      ),
    ).toEqual([true, true, true, true, false, false]);
  });

  it('rejected-only retries only what provably did not run', () => {
    expect([throttled, internal, refused, reset, invalid].map((error) => shouldRetry(error, 'rejected-only'))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });

  it('request() picks a policy from the action name and ClientToken', () => {
    expect(retryPolicyFor('DescribeContainerGroupEvents', {})).toBe('retryable-errors');
    expect(retryPolicyFor('ListTagResources', {})).toBe('retryable-errors');
    expect(retryPolicyFor('UpdateContainerGroup', { ClientToken: 't' })).toBe('retryable-errors');
    expect(retryPolicyFor('UpdateContainerGroup', {})).toBe('rejected-only');
    expect(retryPolicyFor('ExecContainerCommand', {})).toBe('rejected-only');
  });
});
