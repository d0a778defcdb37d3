import { describe, expect, it } from 'vitest';
import { CallLog, sanitizeParams } from './call-log.js';

describe('CallLog', () => {
  it('counts by action and code, iterates, and resets', () => {
    const log = new CallLog();
    const base = { time: 1, params: {}, httpStatus: 200, requestId: 'R' };
    log.record({ ...base, action: 'A', code: 'OK' });
    log.record({ ...base, action: 'A', code: 'Throttling.User', httpStatus: 400 });
    log.record({ ...base, action: 'B', code: 'OK' });
    log.recordStream();
    expect(log.count()).toBe(3);
    expect(log.count('A')).toBe(2);
    expect(log.count('A', 'OK')).toBe(1);
    expect([...log].map((record) => record.action)).toEqual(['A', 'A', 'B']);
    expect(log.execStreams).toBe(1);
    log.reset();
    expect(log.length).toBe(0);
    expect(log.execStreams).toBe(0);
  });

  it('drops signatures and tokens and masks the access key id', () => {
    expect(sanitizeParams({ Signature: 's', SecurityToken: 't', AccessKeyId: 'LTAI1234567890', Action: 'X' })).toEqual({
      AccessKeyId: 'LTAI****890',
      Action: 'X',
    });
  });

  it('keeps the newest records up to its cap', () => {
    const log = new CallLog(2);
    for (const action of ['A', 'B', 'C'])
      log.record({ time: 1, params: {}, httpStatus: 200, requestId: 'R', action, code: 'OK' });
    expect(log.list().map((record) => record.action)).toEqual(['B', 'C']);
  });
});
