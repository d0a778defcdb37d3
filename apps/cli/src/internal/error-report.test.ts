import { describe, expect, it } from 'vitest';
import { CliError, UsageError } from './cli-error.js';
import { formatErrorLine, toErrorReport } from './error-report.js';

describe('toErrorReport', () => {
  it('keeps the code and request id of an API-shaped error', () => {
    const error = Object.assign(new Error('The specified container group does not exist.'), {
      code: 'InvalidContainerGroup.NotFound',
      requestId: 'REQ-1',
    });
    const report = toErrorReport(error);
    expect(report).toEqual({ message: error.message, code: 'InvalidContainerGroup.NotFound', requestId: 'REQ-1', exitCode: 1 });
    expect(formatErrorLine(report)).toBe(
      'error: The specified container group does not exist. [InvalidContainerGroup.NotFound] (request id REQ-1)',
    );
  });

  it('maps usage errors to exit code 2 and keeps one line', () => {
    const report = toErrorReport(new UsageError('--cpu must be a positive number, got "x"\nmore'));
    expect(report.exitCode).toBe(2);
    expect(formatErrorLine(report)).toBe('error: --cpu must be a positive number, got "x"');
  });

  it('masks secrets in messages', () => {
    const report = toErrorReport(new CliError('could not connect to ws://h/exec/?s=SECRETTOKEN'));
    expect(report.message).toBe('could not connect to ws://h/exec/?s=***');
  });
});
