import { describe, expect, it } from 'vitest';
import {
  ExecAbortError,
  ExecConnectionError,
  ExecServerError,
  ExecStreamError,
  ExecTimeoutError,
  ExecValidationError,
  FileVerificationError,
  StreamTruncatedError,
} from './errors.js';
import { redactExecUrl } from './internal/redact.js';

describe('errors', () => {
  it('share one root and know whether a retry may help', () => {
    const cases: Array<[ExecStreamError, boolean]> = [
      [new StreamTruncatedError('cut', { stdout: 'a', stderr: 'b' }), true],
      [new ExecTimeoutError(5), true],
      [new ExecAbortError(), false],
      [new ExecValidationError('path', 'bad'), false],
      [new ExecServerError('container not found', { stdout: '', stderr: '' }), false],
      [new ExecConnectionError('refused'), true],
      [new FileVerificationError('/x', 'differs'), true],
    ];
    for (const [error, retryable] of cases) {
      expect(error).toBeInstanceOf(ExecStreamError);
      expect(error).toBeInstanceOf(Error);
      expect(error.retryable).toBe(retryable);
      expect(error.name).toBe(error.constructor.name);
    }
    expect(new ExecValidationError('timeoutMs', 'must not be negative')).toMatchObject({ field: 'timeoutMs' });
  });

  it('never show an exec URL token', () => {
    const url = 'wss://eci-cn-shanghai.aliyun.com/exec/?s=ktHPxSECRET&x=1';
    expect(redactExecUrl(url)).toBe('wss://eci-cn-shanghai.aliyun.com/exec/?s=***&x=1');
    expect(redactExecUrl('a=1&s=SECRET')).toBe('a=1&s=***');
    expect(redactExecUrl('%3Fs%3DSECRET')).toBe('%3Fs%3D***');
    expect(new ExecStreamError(`failed to open ${url}`).message).not.toContain('SECRET');
    expect(new ExecServerError(`bad ${url}`, { stdout: '', stderr: '' }).serverMessage).not.toContain('SECRET');
  });
});
