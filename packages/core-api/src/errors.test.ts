import { describe, expect, it } from 'vitest';
import {
  createApiError,
  EciAbortError,
  EciApiError,
  EciConnectionError,
  EciError,
  EciTimeoutError,
  EciValidationError,
  isRetryableApiError,
} from './errors.js';

describe('isRetryableApiError', () => {
  it.each([
    ['Throttling', 400, true],
    ['Throttling.User', 400, true],
    ['Throttling.Api', 503, true],
    ['Rejected.Throttling', 400, true],
    ['ServiceUnavailable', 503, true],
    ['InternalError', 500, true],
    ['SomethingNew', 502, true],
    ['SignatureDoesNotMatch', 400, false],
    ['InvalidAccessKeyId.NotFound', 404, false],
    ['InvalidParameter', 400, false],
    ['InvalidParameter.Limit', 500, false],
    ['MissingContainerGroupId', 400, false],
    ['Forbidden.RAM', 403, false],
    ['InvalidTimeStamp.Expired', 400, false],
    ['IncorrectStatus', 400, false],
  ])('%s (HTTP %i) → %s', (code, status, expected) => {
    expect(isRetryableApiError(code, status)).toBe(expected);
  });
});

describe('createApiError', () => {
  it('carries the body fields and says how to fix known codes', () => {
    const error = createApiError({
      code: 'InvalidTimeStamp.Expired',
      message: 'Specified time stamp or date value is expired.',
      requestId: 'REQ-1',
      hostId: 'eci.cn-shanghai.aliyuncs.com',
      recommend: 'https://api.aliyun.com/troubleshoot?q=InvalidTimeStamp.Expired',
      httpStatus: 400,
      action: 'DescribeContainerGroups',
    });
    expect(error).toBeInstanceOf(EciApiError);
    expect(error).toBeInstanceOf(EciError);
    expect(error).toMatchObject({
      code: 'InvalidTimeStamp.Expired',
      requestId: 'REQ-1',
      httpStatus: 400,
      retryable: false,
      name: 'EciApiError',
    });
    expect(error.message).toMatch(/^DescribeContainerGroups failed: InvalidTimeStamp\.Expired: Specified time stamp/);
    expect(error.message).toMatch(/clock/);
    expect(error.message).toMatch(/RequestId REQ-1/);
    expect(error.message).toMatch(/See https:\/\/api\.aliyun\.com/);
  });

  it('redacts the server string to sign, the secret and the token', () => {
    const secret = 'the-secret-value';
    const token = 'CAIS/token+value';
    const error = createApiError(
      {
        code: 'SignatureDoesNotMatch',
        message: `Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Did%26SecurityToken%3D${encodeURIComponent(encodeURIComponent(token))}%26Timestamp%3Dx secret=${secret}`,
        httpStatus: 400,
      },
      { secrets: [secret, token] },
    );
    expect(error.message).toMatch(/check.*secret.*clock/i);
    expect(error.message).toContain('server string to sign is:POST&%2F&AccessKeyId%3Did%26SecurityToken%3D***%26Timestamp%3Dx');
    expect(error.message).not.toContain(secret);
    expect(error.serverMessage).not.toContain(secret);
    expect(error.message).not.toContain(encodeURIComponent(token));
  });
});

describe('error classes', () => {
  it('know whether they are retryable and keep their cause', () => {
    const cause = new Error('socket hang up');
    expect(new EciConnectionError('x', { cause })).toMatchObject({ retryable: true, cause, name: 'EciConnectionError' });
    expect(new EciTimeoutError('x')).toMatchObject({ retryable: false, name: 'EciTimeoutError' });
    expect(new EciAbortError('x')).toMatchObject({ retryable: false, name: 'EciAbortError' });
    const validation = new EciValidationError('containers.0.cpu', 'bad');
    expect(validation).toMatchObject({ field: 'containers.0.cpu', retryable: false, name: 'EciValidationError' });
    expect(validation).toBeInstanceOf(EciError);
  });

  it('redact messages on construction', () => {
    expect(new EciError('GET /?Signature=abc&x=1').message).toBe('GET /?Signature=***&x=1');
  });
});
